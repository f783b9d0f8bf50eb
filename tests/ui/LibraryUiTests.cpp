// Preferences ▸ Models shows the model library: every model found where it is kept, with its
// status; Use puts a ready one in the generate panel; Choose prior… pairs a decoder for good.
#include "app/EngineClient.h"
#include "app/Settings.h"
#include "engine/service/Engine.h"
#include "tests/support/ModelLibraryTree.h"
#include "ui/DownloadPanel.h"
#include "ui/ModelsPage.h"

#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <catch2/catch.hpp>
#include <iostream>

using namespace limner;
using tests::ModelLibraryTree;

namespace {

class ScratchSettings {
public:
    ScratchSettings() {
        REQUIRE(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QSettings().clear();
    }

private:
    QTemporaryDir m_dir;
};

void waitForScan(ui::ModelsPage& page) {
    QSignalSpy scanned(&page, &ui::ModelsPage::libraryScanned);
    if (page.isScanning())
        REQUIRE(scanned.wait(30000));
}

// Status column by model name.
QMap<QString, QString> statuses(const QTreeWidget& list) {
    QMap<QString, QString> out;
    for (int i = 0; i < list.topLevelItemCount(); ++i)
        out.insert(list.topLevelItem(i)->text(0), list.topLevelItem(i)->text(6));
    return out;
}

QTreeWidgetItem* rowOf(QTreeWidget& list, const QString& name) {
    for (int i = 0; i < list.topLevelItemCount(); ++i) {
        if (list.topLevelItem(i)->text(0) == name)
            return list.topLevelItem(i);
    }
    return nullptr;
}

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QCoreApplication::sendPostedEvents();
    REQUIRE(widget.grab().save(dir + QLatin1Char('/') + name));
    std::cout << "screenshot: " << (dir + QLatin1Char('/') + name).toStdString() << "\n";
}

} // namespace

TEST_CASE("Preferences ▸ Models lists the library's models with their status, uses one and "
          "remembers a chosen prior",
          "[ui][models][library]") {
    ScratchSettings scratch;
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const ModelLibraryTree tree(dir.path());
    tests::ScopedEnvironment env;
    env.set("HF_HUB_CACHE", tree.hub);
    env.set("HF_HOME", tree.hfHome);
    env.set("HOME", tree.home);
    app::Settings settings = app::Settings::load();
    settings.libraryFolders = {tree.mine};
    settings.save();

    app::EngineClient client;
    auto page = std::make_unique<ui::ModelsPage>(client);
    page->resize(1400, 760);
    page->show();
    REQUIRE(QTest::qWaitForWindowExposed(page.get()));
    waitForScan(*page);
    auto* library = page->findChild<QTreeWidget*>(QStringLiteral("libraryList"));
    REQUIRE(library);
    REQUIRE(library->topLevelItemCount() == 14);
    // Precision Auto says what it computes in on this machine (bfloat16 where the CPU has it).
    auto* dtype = page->findChild<QComboBox*>(QStringLiteral("modelDtype"));
    REQUIRE(dtype);
    const std::string autoDtype = engine::Engine::autoDtype("auto");
    REQUIRE(!autoDtype.empty());
    CHECK(dtype->itemText(0).startsWith(QStringLiteral("Auto (") + QString::fromStdString(autoDtype) +
                                        QStringLiteral(": ")));
    QMap<QString, QString> status = statuses(*library);
    CHECK(status.value(QStringLiteral("sd-legacy/tiny-inpainting")) == QStringLiteral("ready"));
    CHECK(status.value(QStringLiteral("kandinsky-community/kandinsky-2-2-decoder-inpaint")) ==
          QStringLiteral("ready (with its prior from the cache)"));
    CHECK(
        status.value(QStringLiteral("limner-tests/decoder-without-prior")) ==
        QStringLiteral("needs its prior limner-tests/missing-prior: download it or choose its folder"));
    CHECK(status.value(QStringLiteral("limner-tests/interrupted"))
              .startsWith(QStringLiteral("incomplete download: 1 file missing")));
    CHECK(
        status.value(QStringLiteral("old-inpainting.ckpt")).startsWith(QStringLiteral("pickle file")));
    CHECK(status.value(QStringLiteral("pickled-sd")).startsWith(QStringLiteral("pickle only")));
    CHECK(status.value(QStringLiteral("sd15-inpainting.safetensors"))
              .startsWith(QStringLiteral("ready")));
    QTreeWidgetItem* sdRow = rowOf(*library, QStringLiteral("sd-legacy/tiny-inpainting"));
    CHECK(sdRow->text(1) == QStringLiteral("Stable Diffusion"));
    CHECK(sdRow->text(3) == QStringLiteral("float32"));
    CHECK(sdRow->text(5) == QStringLiteral("Hugging Face cache"));
    library->setCurrentItem(rowOf(*library, QStringLiteral("sd-legacy/tiny-inpainting")));
    CHECK(page->findChild<QLabel*>(QStringLiteral("libraryLocation"))
              ->text()
              .startsWith(tree.hub +
                          QStringLiteral("/models--sd-legacy--tiny-inpainting (hub cache repo)")));
    CHECK(page->findChild<QLabel*>(QStringLiteral("libraryNote"))
              ->text()
              .contains(QStringLiteral("14 models")));

    // Use and Choose prior… follow the selection.
    auto* use = page->findChild<QPushButton*>(QStringLiteral("useModel"));
    auto* choosePrior = page->findChild<QPushButton*>(QStringLiteral("choosePrior"));
    library->setCurrentItem(rowOf(*library, QStringLiteral("limner-tests/decoder-without-prior")));
    CHECK_FALSE(use->isEnabled());
    CHECK(choosePrior->isEnabled());
    library->setCurrentItem(rowOf(*library, QStringLiteral("pickled-sd")));
    CHECK_FALSE(use->isEnabled());
    CHECK_FALSE(choosePrior->isEnabled());
    library->setCurrentItem(rowOf(*library, QStringLiteral("limner-tests/decoder-without-prior")));
    saveScreenshot(*page, QStringLiteral("models-library.png"));

    // A folder that is no prior is refused and nothing is remembered.
    CHECK_FALSE(
        page->choosePrior(QStringLiteral("limner-tests/decoder-without-prior"), tree.sdSnapshot));
    CHECK(page->message().contains(QStringLiteral("is not a Kandinsky 2.2 prior pipeline")));
    CHECK(app::Settings::load().modelPriors.isEmpty());
    REQUIRE(
        page->choosePrior(QStringLiteral("limner-tests/decoder-without-prior"), tree.priorSnapshot));
    waitForScan(*page);
    CHECK(statuses(*library).value(QStringLiteral("limner-tests/decoder-without-prior")) ==
          QStringLiteral("ready (with the prior you chose)"));
    CHECK(app::Settings::load().modelPriors.size() == 1);

    // Other folders: neither ComfyUI nor A1111 is refused.
    CHECK_FALSE(page->addInstall(tree.mine));
    CHECK(page->message().contains(QStringLiteral("neither a ComfyUI folder")));
    QSignalSpy download(page.get(), &ui::ModelsPage::downloadRequested);
    page->findChild<QPushButton*>(QStringLiteral("downloadModels"))->click();
    CHECK(download.size() == 1);
    // Download… opens the downloader, whose panel lists the suggested models.
    QDialog* downloader = page->openDownloader();
    REQUIRE(downloader);
    CHECK(downloader->isVisible());
    CHECK(downloader->findChild<ui::DownloadPanel*>());
    downloader->hide();

    if (app::EngineClient::modelsSupported()) {
        // Use: in the generate panel, where it lives in the cache, remembered for next time.
        CHECK_FALSE(page->use(QStringLiteral("limner-tests/interrupted")));
        CHECK(page->message().contains(QStringLiteral("incomplete download")));
        REQUIRE(page->use(QStringLiteral("limner-tests/decoder-without-prior")));
        REQUIRE(client.models().size() == 1);
        CHECK(client.models().first().folder ==
              tree.hub + QStringLiteral("/models--limner-tests--decoder-without-prior"));
        CHECK(client.models().first().description.acceptsPrompt); // with its prior
        CHECK(client.models().first().label() ==
              QStringLiteral("limner-tests/decoder-without-prior (Kandinsky 2.2)"));
        CHECK(app::Settings::load().modelFolders == QStringList{client.models().first().folder});
    }

    // A restart: the page opens again and shows the pairing the user made.
    page.reset();
    ui::ModelsPage again(client);
    again.resize(1400, 760);
    again.show();
    REQUIRE(QTest::qWaitForWindowExposed(&again));
    waitForScan(again);
    auto* list = again.findChild<QTreeWidget*>(QStringLiteral("libraryList"));
    CHECK(statuses(*list).value(QStringLiteral("limner-tests/decoder-without-prior")) ==
          QStringLiteral("ready (with the prior you chose)"));
    list->setCurrentItem(rowOf(*list, QStringLiteral("limner-tests/decoder-without-prior")));
    saveScreenshot(again, QStringLiteral("models-library-paired.png"));
}
