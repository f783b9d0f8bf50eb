// The download panel of the Models page against the fake hub (HF_ENDPOINT and HF_HUB_CACHE point
// it there, as a user's environment would).
#include "ModelTestSupport.h"
#include "ui/DownloadPanel.h"

#include <QFileInfo>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using limner::test::FakeHubServer;
using limner::test::FakeRepo;

namespace {

struct PanelHub {
    QTemporaryDir cache;
    FakeHubServer server;
    QByteArray savedEndpoint = qgetenv("HF_ENDPOINT");
    QByteArray savedCache = qgetenv("HF_HUB_CACHE");

    PanelHub() {
        limner::test::clearProxyEnvironment();
        REQUIRE(server.isListening());
        server.addRepo(limner::test::decoderRepo());
        server.addRepo(limner::test::priorRepo());
        qputenv("HF_ENDPOINT", server.endpoint().toLatin1());
        qputenv("HF_HUB_CACHE", cache.path().toLocal8Bit());
    }
    ~PanelHub() {
        qputenv("HF_ENDPOINT", savedEndpoint);
        qputenv("HF_HUB_CACHE", savedCache);
    }
};

} // namespace

TEST_CASE("The download panel lists the suggested models with their sizes", "[models][ui]") {
    limner::ui::DownloadPanel panel;
    auto* list = panel.findChild<QListWidget*>();
    REQUIRE(list);
    REQUIRE(list->count() == 3);
    CHECK(list->item(0)->text().contains(QLatin1String("15.9 GB")));
    CHECK(list->item(1)->text().contains(QLatin1String("2.13 GB")));
    CHECK(list->item(2)->text().contains(QLatin1String("5.16 GB")));
    emit list->itemClicked(list->item(1));
    CHECK(panel.repoReference() == QLatin1String("stable-diffusion-v1-5/stable-diffusion-inpainting"));
}

TEST_CASE("The download panel downloads a model and says where it is", "[models][ui]") {
    PanelHub hub;
    limner::ui::DownloadPanel panel;
    QSignalSpy downloaded(&panel, &limner::ui::DownloadPanel::downloaded);
    panel.setRepoReference(QStringLiteral("test-org/tiny-decoder"));
    CHECK(panel.downloadButtonText() == QLatin1String("Download"));
    REQUIRE(panel.startDownload());
    CHECK(panel.isDownloading());
    REQUIRE(limner::test::waitFor([&] { return downloaded.count() == 1; }, 10000));
    const QString folder = downloaded.first().first().toString();
    CHECK(QFileInfo::exists(folder + QLatin1Char('/') + QLatin1String(limner::test::kDecoderUnet)));
    CHECK(panel.message().contains(folder));
    CHECK_FALSE(panel.isDownloading());
}

TEST_CASE("Cancel in the download panel offers Resume, which finishes the download", "[models][ui]") {
    PanelHub hub;
    hub.server.stallAfterBytes = 100 * 1000;
    limner::ui::DownloadPanel panel;
    QSignalSpy downloaded(&panel, &limner::ui::DownloadPanel::downloaded);
    panel.setRepoReference(QStringLiteral("test-org/tiny-decoder"));
    REQUIRE(panel.startDownload());
    const FakeRepo decoder = limner::test::decoderRepo();
    const QString part = hub.cache.filePath(
        QStringLiteral("models--test-org--tiny-decoder/blobs/") +
        FakeRepo::sha256Of(decoder.files.value(QLatin1String(limner::test::kDecoderUnet))) +
        QStringLiteral(".incomplete"));
    REQUIRE(limner::test::waitFor([&] { return QFileInfo(part).size() == 100 * 1000; }));
    panel.cancelDownload();
    CHECK_FALSE(panel.isDownloading());
    CHECK(panel.downloadButtonText() == QLatin1String("Resume"));
    CHECK(panel.message().contains(QLatin1String("Resume")));

    hub.server.releaseStalled();
    hub.server.stallAfterBytes = -1;
    REQUIRE(panel.startDownload());
    REQUIRE(limner::test::waitFor([&] { return downloaded.count() == 1; }, 10000));
    CHECK(panel.downloadButtonText() == QLatin1String("Download"));
}

TEST_CASE("A failed download shows its one-line reason in the panel", "[models][ui]") {
    PanelHub hub;
    limner::ui::DownloadPanel panel;
    panel.setRepoReference(QStringLiteral("test-org/missing"));
    REQUIRE(panel.startDownload());
    REQUIRE(limner::test::waitFor([&] { return !panel.isDownloading(); }));
    CHECK(panel.message().contains(QLatin1String("test-org/missing does not exist")));
}
