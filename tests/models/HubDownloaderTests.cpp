// HubDownloader against a real HTTP server on 127.0.0.1 (FakeHubServer) that speaks the hub's
// download protocol: the layout it leaves in the hub cache, resuming, the checks before a blob
// is stored, the token, the errors, the lock.
#include "ModelTestSupport.h"
#include "app/models/HubClient.h"
#include "app/models/HubDownloader.h"
#include "app/models/HubFileLock.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <catch2/catch.hpp>
#include <filesystem>

using limner::app::HubClient;
using limner::app::HubDownloader;
using limner::test::DownloadOutcome;
using limner::test::FakeHubServer;
using limner::test::FakeRepo;
using limner::test::LoggedRequest;
using End = DownloadOutcome::End;

namespace {

// A cache folder, the fake hub with both repos, and quick retries.
struct Hub {
    QTemporaryDir cache;
    FakeHubServer server;
    FakeRepo decoder = limner::test::decoderRepo();
    FakeRepo prior = limner::test::priorRepo();

    Hub() {
        limner::test::clearProxyEnvironment();
        REQUIRE(cache.isValid());
        REQUIRE(server.isListening());
        server.addRepo(decoder);
        server.addRepo(prior);
    }

    std::unique_ptr<HubDownloader> downloader(const QString& token = {}) const {
        auto d = std::make_unique<HubDownloader>(HubClient(server.endpoint(), token), cache.path());
        HubDownloader::Tuning tuning;
        tuning.retryDelayMs = 20;
        tuning.transferTimeoutMs = 5000;
        tuning.lockPollMs = 30;
        d->setTuning(tuning);
        return d;
    }

    QString repoDir(const FakeRepo& repo) const {
        return cache.filePath(QStringLiteral("models--") +
                              QString(repo.id).replace(QLatin1Char('/'), QLatin1String("--")));
    }
    QString snapshot(const FakeRepo& repo) const {
        return repoDir(repo) + QStringLiteral("/snapshots/") + repo.commit;
    }
    QString blob(const FakeRepo& repo, const QString& path) const {
        const QByteArray content = repo.files.value(path);
        return repoDir(repo) + QStringLiteral("/blobs/") +
               (FakeRepo::isLfs(path) ? FakeRepo::sha256Of(content) : FakeRepo::gitBlobSha1Of(content));
    }
    QString unetBlob() const { return blob(decoder, QString::fromLatin1(limner::test::kDecoderUnet)); }
    QString unetPointer() const {
        return snapshot(decoder) + QLatin1Char('/') + QLatin1String(limner::test::kDecoderUnet);
    }
    QByteArray unetContent() const {
        return decoder.files.value(QString::fromLatin1(limner::test::kDecoderUnet));
    }
    int unetGets() const {
        return server.count("GET", FakeRepo::sha256Of(unetContent()), QStringLiteral("files"));
    }
};

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList filesUnder(const QString& folder) {
    QStringList out;
    QDirIterator it(folder, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    return out;
}

// Nothing in snapshots/ that is not a complete file: every entry resolves to a blob whose content
// matches the repo's file of that path.
void requireSnapshotsWhole(const Hub& hub, const FakeRepo& repo) {
    const QString snapshots = hub.repoDir(repo) + QStringLiteral("/snapshots");
    QDirIterator it(snapshots, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString path = QDir(hub.snapshot(repo)).relativeFilePath(file);
        INFO(file.toStdString());
        REQUIRE(repo.files.contains(path));
        CHECK(readAll(file) == repo.files.value(path));
    }
}

bool isOneLine(const QString& message) {
    return !message.isEmpty() && !message.contains(QLatin1Char('\n'));
}

} // namespace

TEST_CASE("A download lays the repo out as huggingface_hub does: refs, blobs by hash, relative links",
          "[models][download]") {
    Hub hub;
    auto downloader = hub.downloader(QStringLiteral("hf_secret"));
    const DownloadOutcome outcome = limner::test::runDownload(*downloader, hub.decoder.id);
    INFO(outcome.text.toStdString());
    REQUIRE(outcome.end == End::Finished);
    CHECK(outcome.text == hub.snapshot(hub.decoder));
    CHECK(readAll(hub.repoDir(hub.decoder) + QStringLiteral("/refs/main")) ==
          hub.decoder.commit.toLatin1());

    const QStringList wanted = {QStringLiteral("README.md"),
                                QStringLiteral("model_index.json"),
                                QStringLiteral("scheduler/scheduler_config.json"),
                                QStringLiteral("unet/config.json"),
                                QString::fromLatin1(limner::test::kDecoderUnet),
                                QStringLiteral("movq/config.json"),
                                QStringLiteral("movq/diffusion_pytorch_model.fp16.safetensors")};
    for (const QString& path : wanted) {
        INFO(path.toStdString());
        const QString pointer = hub.snapshot(hub.decoder) + QLatin1Char('/') + path;
        REQUIRE(QFileInfo(pointer).isSymLink());
        const std::string target = std::filesystem::read_symlink(pointer.toStdString()).string();
        const std::string expected =
            QStringLiteral("../").repeated(2 + path.count(QLatin1Char('/'))).toStdString() + "blobs/" +
            QFileInfo(hub.blob(hub.decoder, path)).fileName().toStdString();
        CHECK(target == expected);
        CHECK(readAll(pointer) == hub.decoder.files.value(path));
        CHECK(readAll(hub.blob(hub.decoder, path)) == hub.decoder.files.value(path));
    }
    // Only what Limner reads: no pickle, no safety checker, no single-file checkpoint, neither
    // asked of the hub nor of the file host.
    CHECK(filesUnder(hub.snapshot(hub.decoder)).size() == wanted.size());
    QStringList neverAsked;
    for (const FakeRepo* repo : {&hub.decoder, &hub.prior}) {
        for (auto it = repo->files.begin(); it != repo->files.end(); ++it) {
            if (it.key().endsWith(QLatin1String(".bin")) || it.key().endsWith(QLatin1String(".ckpt")) ||
                it.key().startsWith(QLatin1String("safety_checker/")))
                neverAsked << it.key() << FakeRepo::sha256Of(it.value());
        }
    }
    REQUIRE(neverAsked.size() == 12);
    for (const LoggedRequest& request : hub.server.requests) {
        const QString target = QString::fromUtf8(request.target);
        INFO(target.toStdString());
        for (const QString& part : neverAsked)
            CHECK_FALSE(target.contains(part));
        // The token goes to the hub and never to the file host.
        if (request.server == QLatin1String("files"))
            CHECK_FALSE(request.headers.contains("authorization"));
        else
            CHECK(request.headers.value("authorization") == "Bearer hf_secret");
    }
    CHECK(hub.server.count("GET", QStringLiteral("/api/models/test-org/tiny-decoder/tree/")) >
          3); // paged
    CHECK(hub.server.count("GET", QStringLiteral("cursor=")) > 0);
    // The README's prior came with it.
    CHECK(readAll(hub.repoDir(hub.prior) + QStringLiteral("/refs/main")) ==
          hub.prior.commit.toLatin1());
    CHECK(readAll(hub.snapshot(hub.prior) +
                  QStringLiteral("/prior/diffusion_pytorch_model.safetensors")) ==
          hub.prior.files.value(QStringLiteral("prior/diffusion_pytorch_model.safetensors")));
    CHECK_FALSE(
        QFileInfo::exists(hub.snapshot(hub.prior) + QStringLiteral("/text_encoder/pytorch_model.bin")));
    // Nothing left over; the locks are where huggingface_hub takes them.
    for (const QString& file : filesUnder(hub.cache.path()))
        CHECK_FALSE(file.endsWith(QLatin1String(".incomplete")));
    CHECK(QFileInfo::exists(
        hub.cache.filePath(QStringLiteral(".locks/models--test-org--tiny-decoder/") +
                           FakeRepo::sha256Of(hub.unetContent()) + QStringLiteral(".lock"))));
    CHECK(outcome.lastTotal > 0);
    CHECK(outcome.lastDone == outcome.lastTotal);
}

TEST_CASE("A repo already in the cache is not downloaded again", "[models][download]") {
    Hub hub;
    REQUIRE(limner::test::runDownload(*hub.downloader(), hub.decoder.id).end == End::Finished);
    const int fileGets = hub.server.count("GET", QString(), QStringLiteral("files"));
    const int heads = hub.server.count("HEAD", QStringLiteral("/resolve/"));
    CHECK(heads == 11); // 7 decoder files and 4 prior files, once each
    const DownloadOutcome again = limner::test::runDownload(*hub.downloader(), hub.decoder.id);
    REQUIRE(again.end == End::Finished);
    CHECK(again.text == hub.snapshot(hub.decoder));
    CHECK(hub.server.count("GET", QString(), QStringLiteral("files")) == fileGets);
    CHECK(hub.server.count("HEAD", QStringLiteral("/resolve/")) == heads);
}

TEST_CASE("A connection dropped half-way is resumed with Range to a byte-identical blob",
          "[models][resume]") {
    Hub hub;
    hub.server.dropAfterBytes = 100 * 1000;
    hub.server.dropTimes = 2;
    const DownloadOutcome outcome = limner::test::runDownload(*hub.downloader(), hub.decoder.id);
    INFO(outcome.text.toStdString());
    REQUIRE(outcome.end == End::Finished);
    CHECK(readAll(hub.unetBlob()) == hub.unetContent());
    CHECK(readAll(hub.unetPointer()) == hub.unetContent());
    // Qt itself may send a request again after an early close (and so use up a drop), so the
    // number of requests varies; what must hold is that the download went on from where it was.
    int resumes = 0;
    for (const LoggedRequest& request : hub.server.requests) {
        const QByteArray range = request.headers.value("range");
        if (range.isEmpty())
            continue;
        ++resumes;
        CHECK(range.mid(6, range.size() - 7).toLongLong() % (100 * 1000) == 0); // where a drop cut it
    }
    CHECK(resumes >= 1);
    CHECK(hub.unetGets() >= 2);
}

TEST_CASE("A download stopped by a dropped connection resumes after a restart", "[models][resume]") {
    Hub hub;
    hub.server.dropAfterBytes = 120 * 1000;
    hub.server.dropTimes = -1;
    auto first = hub.downloader();
    HubDownloader::Tuning noRetry;
    noRetry.maxRetries = 0;
    first->setTuning(noRetry);
    const DownloadOutcome failed = limner::test::runDownload(*first, hub.decoder.id);
    REQUIRE(failed.end == End::Failed);
    CHECK(isOneLine(failed.text));
    CHECK(failed.text.contains(QLatin1String("download again to resume")));
    const QString part = hub.unetBlob() + QStringLiteral(".incomplete");
    const qint64 partSize = QFileInfo(part).size();
    CHECK(partSize > 0);
    CHECK(partSize <= 120 * 1000);
    CHECK_FALSE(QFileInfo::exists(hub.unetBlob()));
    CHECK_FALSE(QFileInfo::exists(hub.unetPointer()));
    CHECK_FALSE(QFileInfo::exists(hub.repoDir(hub.decoder) + QStringLiteral("/refs/main")));
    CHECK(HubDownloader::hasPartialDownload(hub.cache.path(), hub.decoder.id));
    requireSnapshotsWhole(hub, hub.decoder);

    // A new downloader (a restart) continues the part on disk.
    hub.server.dropTimes = 0;
    const DownloadOutcome resumed = limner::test::runDownload(*hub.downloader(), hub.decoder.id);
    INFO(resumed.text.toStdString());
    REQUIRE(resumed.end == End::Finished);
    bool rangeFromPart = false;
    for (const LoggedRequest& request : hub.server.requests)
        rangeFromPart = rangeFromPart ||
                        request.headers.value("range") == "bytes=" + QByteArray::number(partSize) + "-";
    CHECK(rangeFromPart);
    CHECK(readAll(hub.unetPointer()) == hub.unetContent());
    CHECK_FALSE(QFileInfo::exists(part));
    CHECK_FALSE(HubDownloader::hasPartialDownload(hub.cache.path(), hub.decoder.id));
}

TEST_CASE("Bytes whose sha256 is not the advertised one are never stored", "[models][integrity]") {
    Hub hub;
    hub.server.corruptBody = true;
    const DownloadOutcome outcome = limner::test::runDownload(*hub.downloader(), hub.decoder.id);
    REQUIRE(outcome.end == End::Failed);
    CHECK(isOneLine(outcome.text));
    CHECK(outcome.text.contains(QLatin1String("corrupted")));
    CHECK(outcome.text.contains(QLatin1String("sha256")));
    CHECK_FALSE(QFileInfo::exists(hub.unetBlob()));
    CHECK_FALSE(QFileInfo::exists(hub.unetBlob() + QStringLiteral(".incomplete")));
    CHECK_FALSE(QFileInfo::exists(hub.unetPointer()));
    CHECK_FALSE(QFileInfo::exists(hub.repoDir(hub.decoder) + QStringLiteral("/refs/main")));
    requireSnapshotsWhole(hub, hub.decoder);
}

TEST_CASE("A file host that answers 200 to a Range request is downloaded again from the start",
          "[models][resume]") {
    Hub hub;
    hub.server.ignoreRange = true;
    QDir().mkpath(QFileInfo(hub.unetBlob()).absolutePath());
    QFile part(hub.unetBlob() + QStringLiteral(".incomplete"));
    REQUIRE(part.open(QIODevice::WriteOnly));
    part.write(QByteArray(1000, 'x')); // not the file's bytes: appending to it would fail the hash
    part.close();
    const DownloadOutcome outcome = limner::test::runDownload(*hub.downloader(), hub.decoder.id);
    INFO(outcome.text.toStdString());
    REQUIRE(outcome.end == End::Finished);
    CHECK(hub.server.count("GET", FakeRepo::sha256Of(hub.unetContent())) == 1);
    bool rangeSent = false;
    for (const LoggedRequest& request : hub.server.requests)
        rangeSent = rangeSent || request.headers.value("range") == "bytes=1000-";
    CHECK(rangeSent);
    CHECK(readAll(hub.unetPointer()) == hub.unetContent());
}

TEST_CASE("A gated repo says it needs a token, and downloads with HF_TOKEN", "[models][token]") {
    Hub hub;
    hub.server.requiredToken = "hf_secret";
    const DownloadOutcome refused = limner::test::runDownload(*hub.downloader(), hub.decoder.id);
    REQUIRE(refused.end == End::Failed);
    CHECK(isOneLine(refused.text));
    CHECK(refused.text.contains(QLatin1String("gated")));
    CHECK(refused.text.contains(QLatin1String("HF_TOKEN")));
    CHECK(refused.text.contains(QLatin1String("hf auth login")));
    CHECK(filesUnder(hub.repoDir(hub.decoder) + QStringLiteral("/snapshots")).isEmpty());

    const DownloadOutcome wrongToken =
        limner::test::runDownload(*hub.downloader(QStringLiteral("hf_wrong")), hub.decoder.id);
    REQUIRE(wrongToken.end == End::Failed);
    CHECK(wrongToken.text.contains(QLatin1String("token was refused")));

    const QByteArray savedToken = qgetenv("HF_TOKEN");
    const QByteArray savedEndpoint = qgetenv("HF_ENDPOINT");
    qputenv("HF_TOKEN", "hf_secret");
    qputenv("HF_ENDPOINT", hub.server.endpoint().toLatin1());
    HubDownloader fromEnvironment(HubClient::fromEnvironment(), hub.cache.path());
    qputenv("HF_TOKEN", savedToken);
    qputenv("HF_ENDPOINT", savedEndpoint);
    const DownloadOutcome outcome = limner::test::runDownload(fromEnvironment, hub.decoder.id);
    INFO(outcome.text.toStdString());
    REQUIRE(outcome.end == End::Finished);
    CHECK(readAll(hub.unetPointer()) == hub.unetContent());
    for (const LoggedRequest& request : hub.server.requests) {
        if (request.server == QLatin1String("files"))
            CHECK_FALSE(request.headers.contains("authorization"));
    }
}

TEST_CASE("An unknown repo or revision is one line that names it, and nothing is written",
          "[models][errors]") {
    Hub hub;
    const DownloadOutcome noRepo =
        limner::test::runDownload(*hub.downloader(), QStringLiteral("test-org/missing"));
    REQUIRE(noRepo.end == End::Failed);
    CHECK(isOneLine(noRepo.text));
    CHECK(noRepo.text.contains(QLatin1String("test-org/missing does not exist")));
    const DownloadOutcome noRevision =
        limner::test::runDownload(*hub.downloader(), hub.decoder.id, QStringLiteral("v9"));
    REQUIRE(noRevision.end == End::Failed);
    CHECK(noRevision.text.contains(QLatin1String("has no revision \"v9\"")));
    const DownloadOutcome notAnId =
        limner::test::runDownload(*hub.downloader(), QStringLiteral("../etc"));
    REQUIRE(notAnId.end == End::Failed);
    CHECK(notAnId.text.contains(QLatin1String("not a Hugging Face repo id")));
    HubDownloader nowhere(HubClient(QStringLiteral("http://127.0.0.1:1")), hub.cache.path());
    const DownloadOutcome unreachable = limner::test::runDownload(nowhere, hub.decoder.id);
    REQUIRE(unreachable.end == End::Failed);
    CHECK(unreachable.text.contains(QLatin1String("cannot reach 127.0.0.1")));
    CHECK(unreachable.text.contains(QLatin1String("HF_ENDPOINT")));
    CHECK(filesUnder(hub.cache.path()).isEmpty());
}

TEST_CASE("A repo holding only pickle weights is refused", "[models][errors]") {
    Hub hub;
    FakeRepo pickles;
    pickles.id = QStringLiteral("test-org/pickles");
    pickles.commit = QString(40, QLatin1Char('a'));
    pickles.files.insert(QStringLiteral("model_index.json"), "{}");
    pickles.files.insert(QStringLiteral("unet/config.json"), "{}");
    pickles.files.insert(QStringLiteral("unet/diffusion_pytorch_model.bin"), QByteArray(500, 'p'));
    hub.server.addRepo(pickles);
    const DownloadOutcome outcome = limner::test::runDownload(*hub.downloader(), pickles.id);
    REQUIRE(outcome.end == End::Failed);
    CHECK(outcome.text.contains(QLatin1String("only pickle weights")));
    CHECK(hub.server.count(QByteArray(), QStringLiteral("/resolve/")) == 0);
}

TEST_CASE("HF_HUB_OFFLINE refuses to download without asking the network", "[models][errors]") {
    Hub hub;
    HubDownloader downloader(HubClient(hub.server.endpoint(), {}, true), hub.cache.path());
    const DownloadOutcome outcome = limner::test::runDownload(downloader, hub.decoder.id);
    REQUIRE(outcome.end == End::Failed);
    CHECK(outcome.text.contains(QLatin1String("HF_HUB_OFFLINE")));
    CHECK(hub.server.requests.isEmpty());
}

TEST_CASE("Too little disk space stops the download before anything is written", "[models][errors]") {
    Hub hub;
    auto downloader = hub.downloader();
    downloader->setFreeSpaceProbe([](const QString&) { return qint64(1000); });
    const DownloadOutcome outcome = limner::test::runDownload(*downloader, hub.decoder.id);
    REQUIRE(outcome.end == End::Failed);
    CHECK(isOneLine(outcome.text));
    CHECK(outcome.text.contains(QLatin1String("not enough disk space")));
    CHECK(outcome.text.contains(QLatin1String("HF_HUB_CACHE")));
    CHECK(hub.server.count(QByteArray(), QStringLiteral("/resolve/")) == 0);
    CHECK(filesUnder(hub.cache.path()).isEmpty());
}

TEST_CASE(
    "Cancel keeps the part downloaded for a resume and leaves nothing half-written in the snapshot",
    "[models][resume]") {
    Hub hub;
    hub.server.stallAfterBytes = 100 * 1000;
    auto downloader = hub.downloader();
    int cancelled = 0;
    QObject::connect(downloader.get(), &HubDownloader::cancelled, [&] { ++cancelled; });
    REQUIRE(downloader->download(hub.decoder.id));
    const QString part = hub.unetBlob() + QStringLiteral(".incomplete");
    REQUIRE(limner::test::waitFor([&] { return QFileInfo(part).size() == 100 * 1000; }));
    downloader->cancel();
    CHECK(cancelled == 1); // at once, from the direct call
    CHECK_FALSE(downloader->isRunning());
    CHECK(QFileInfo(hub.unetBlob() + QStringLiteral(".incomplete")).size() == 100 * 1000);
    CHECK_FALSE(QFileInfo::exists(hub.unetPointer()));
    requireSnapshotsWhole(hub, hub.decoder);
    CHECK(HubDownloader::hasPartialDownload(hub.cache.path(), hub.decoder.id));

    hub.server.releaseStalled();
    hub.server.stallAfterBytes = -1;
    const DownloadOutcome resumed = limner::test::runDownload(*hub.downloader(), hub.decoder.id);
    REQUIRE(resumed.end == End::Finished);
    CHECK(readAll(hub.unetPointer()) == hub.unetContent());
}

TEST_CASE("A blob whose lock another program holds is written only after the lock is released",
          "[models][lock]") {
    Hub hub;
    const QString lockPath =
        hub.cache.filePath(QStringLiteral(".locks/models--test-org--tiny-decoder/") +
                           FakeRepo::sha256Of(hub.unetContent()) + QStringLiteral(".lock"));
    // flock(2), as py-filelock takes it.
    auto otherProgram = std::make_unique<limner::app::HubFileLock>(lockPath);
    QString error;
    REQUIRE(otherProgram->tryLock(error));
    auto downloader = hub.downloader();
    bool waited = false;
    QObject::connect(downloader.get(), &HubDownloader::progress,
                     [&](qint64, qint64, double, double, const QString& activity) {
                         if (activity.contains(QLatin1String("waiting")) && !waited) {
                             waited = true;
                             // While it waits, nobody writes the blob.
                             CHECK(hub.unetGets() == 0);
                             CHECK_FALSE(
                                 QFileInfo::exists(hub.unetBlob() + QStringLiteral(".incomplete")));
                             QTimer::singleShot(200, downloader.get(), [&] { otherProgram.reset(); });
                         }
                     });
    const DownloadOutcome outcome = limner::test::runDownload(*downloader, hub.decoder.id);
    REQUIRE(outcome.end == End::Finished);
    CHECK(waited);
    CHECK(hub.unetGets() == 1);
    CHECK(readAll(hub.unetPointer()) == hub.unetContent());
}

TEST_CASE("Two downloaders of one repo at once leave one intact blob, fetched once", "[models][lock]") {
    Hub hub;
    hub.server.throttleChunkBytes = 16 * 1000;
    hub.server.throttleDelayMs = 5;
    auto a = hub.downloader();
    auto b = hub.downloader();
    QStringList ends;
    for (HubDownloader* d : {a.get(), b.get()}) {
        QObject::connect(d, &HubDownloader::finished, [&](const QString& folder) { ends << folder; });
        QObject::connect(d, &HubDownloader::failed, [&](const QString& message) { ends << message; });
    }
    REQUIRE(a->download(hub.decoder.id));
    REQUIRE(b->download(hub.decoder.id));
    REQUIRE(limner::test::waitFor([&] { return ends.size() == 2; }, 15000));
    CHECK(ends == QStringList{hub.snapshot(hub.decoder), hub.snapshot(hub.decoder)});
    CHECK(hub.unetGets() == 1);
    CHECK(readAll(hub.unetBlob()) == hub.unetContent());
    requireSnapshotsWhole(hub, hub.decoder);
    requireSnapshotsWhole(hub, hub.prior);
}

TEST_CASE(
    "The blob lock is flock(2), so tools that lock as py-filelock does and Limner exclude each other",
    "[models][lock]") {
    const QString flock = QStandardPaths::findExecutable(QStringLiteral("flock"));
    if (flock.isEmpty()) {
        WARN("util-linux flock(1) is not installed: the interplay with other lockers is not checked");
        return;
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral(".locks/models--a--b/0123.lock"));
    const auto otherHolds = [&] {
        return QProcess::execute(flock, {QStringLiteral("--nonblock"), path, QStringLiteral("true")}) !=
               0;
    };
    {
        limner::app::HubFileLock lock(path);
        QString error;
        REQUIRE(lock.tryLock(error));
        CHECK(otherHolds());
        CHECK((QFileInfo(path).permissions() & QFileDevice::WriteGroup) != 0); // 0664, as py-filelock
    }
    CHECK_FALSE(otherHolds());

    QProcess holder;
    holder.start(flock, {path, QStringLiteral("sleep"), QStringLiteral("1")});
    REQUIRE(holder.waitForStarted());
    REQUIRE(limner::test::waitFor([&] { return otherHolds(); }, 3000));
    limner::app::HubFileLock lock(path);
    QString error;
    CHECK_FALSE(lock.tryLock(error));
    CHECK(error.isEmpty());
    REQUIRE(holder.waitForFinished(5000)); // its lock goes with it
    CHECK(lock.tryLock(error));
}
