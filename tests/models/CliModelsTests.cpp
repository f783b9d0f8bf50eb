// limner-cli models … run as a user would, against the fake hub.
#include "ModelTestSupport.h"

#include <QEventLoop>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <catch2/catch.hpp>

using limner::test::FakeHubServer;
using limner::test::FakeRepo;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

QProcessEnvironment hubEnvironment(const FakeHubServer& server, const QString& cache) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name :
         {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("HF_ENDPOINT"), server.endpoint());
    env.insert(QStringLiteral("HF_HUB_CACHE"), cache);
    env.insert(QStringLiteral("HF_HOME"), cache + QStringLiteral("/home")); // no token file
    return env;
}

// Runs limner-cli while this thread's event loop serves the fake hub; onStarted may act on the
// running process.
Run runCli(const QStringList& arguments, const QProcessEnvironment& env,
           const std::function<void(QProcess&)>& whileRunning = {}) {
    QProcess process;
    process.setProcessEnvironment(env);
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    process.start(QStringLiteral(LIMNER_CLI_PATH), arguments);
    REQUIRE(process.waitForStarted(5000));
    if (whileRunning)
        whileRunning(process);
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(2000);
        FAIL("limner-cli did not finish in 20 s");
    }
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QString lastLine(const QString& text) {
    return text.trimmed().section(QLatin1Char('\n'), -1);
}

} // namespace

TEST_CASE("limner-cli models suggested lists the models with their download sizes", "[models][cli]") {
    const Run run = runCli({QStringLiteral("models"), QStringLiteral("suggested")},
                           QProcessEnvironment::systemEnvironment());
    CHECK(run.exitCode == 0);
    const QStringList lines = run.out.trimmed().split(QLatin1Char('\n'));
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].startsWith(QLatin1String("kandinsky-community/kandinsky-2-2-decoder-inpaint")));
    CHECK(lines[0].contains(QLatin1String("15.9 GB")));
    CHECK(lines[0].contains(QLatin1String("kandinsky-community/kandinsky-2-2-prior")));
    CHECK(lines[1].contains(QLatin1String("2.13 GB")));
    CHECK(lines[2].contains(QLatin1String("5.16 GB")));
}

TEST_CASE("limner-cli models download prints the snapshot folder, or one line on failure",
          "[models][cli]") {
    QTemporaryDir cache;
    FakeHubServer server;
    REQUIRE(server.isListening());
    const FakeRepo decoder = limner::test::decoderRepo();
    server.addRepo(decoder);
    server.addRepo(limner::test::priorRepo());
    const QProcessEnvironment env = hubEnvironment(server, cache.path());

    const Run ok = runCli({QStringLiteral("models"), QStringLiteral("download"), decoder.id}, env);
    INFO(ok.err.toStdString());
    CHECK(ok.exitCode == 0);
    const QString folder = ok.out.trimmed();
    CHECK(folder ==
          cache.filePath(QStringLiteral("models--test-org--tiny-decoder/snapshots/") + decoder.commit));
    CHECK(QFileInfo::exists(folder + QStringLiteral("/model_index.json")));
    CHECK(ok.err.contains(QLatin1String("%")));

    const Run missing = runCli(
        {QStringLiteral("models"), QStringLiteral("download"), QStringLiteral("test-org/missing@main")},
        env);
    CHECK(missing.exitCode == 1);
    CHECK(missing.out.isEmpty());
    CHECK(lastLine(missing.err) ==
          QStringLiteral("limner-cli: test-org/missing does not exist on %1: check the name (ORG/NAME)")
              .arg(server.endpoint()));

    const Run usage = runCli({QStringLiteral("models"), QStringLiteral("download")}, env);
    CHECK(usage.exitCode == 2);
}

TEST_CASE("limner-cli models download stopped by a signal keeps the part for the next run to resume",
          "[models][cli]") {
    QTemporaryDir cache;
    FakeHubServer server;
    REQUIRE(server.isListening());
    const FakeRepo decoder = limner::test::decoderRepo();
    server.addRepo(decoder);
    server.addRepo(limner::test::priorRepo());
    server.stallAfterBytes = 100 * 1000;
    const QProcessEnvironment env = hubEnvironment(server, cache.path());
    const QString part = cache.filePath(
        QStringLiteral("models--test-org--tiny-decoder/blobs/") +
        FakeRepo::sha256Of(decoder.files.value(QLatin1String(limner::test::kDecoderUnet))) +
        QStringLiteral(".incomplete"));

    const Run stopped = runCli(
        {QStringLiteral("models"), QStringLiteral("download"), decoder.id}, env, [&](QProcess& p) {
            REQUIRE(limner::test::waitFor([&] { return QFileInfo(part).size() == 100 * 1000; }, 10000));
            p.terminate(); // SIGTERM, handled as Ctrl-C is
        });
    CHECK(stopped.exitCode == 130);
    CHECK(lastLine(stopped.err).contains(QLatin1String("run the same command again to resume")));
    CHECK(QFileInfo(part).size() == 100 * 1000);
    CHECK_FALSE(QFileInfo::exists(
        cache.filePath(QStringLiteral("models--test-org--tiny-decoder/snapshots/") + decoder.commit +
                       QLatin1Char('/') + QLatin1String(limner::test::kDecoderUnet))));

    server.releaseStalled();
    server.stallAfterBytes = -1;
    const Run resumed = runCli({QStringLiteral("models"), QStringLiteral("download"), decoder.id}, env);
    CHECK(resumed.exitCode == 0);
    CHECK_FALSE(QFileInfo::exists(part));
    bool rangeFromPart = false;
    for (const limner::test::LoggedRequest& request : server.requests)
        rangeFromPart = rangeFromPart || request.headers.value("range") == "bytes=100000-";
    CHECK(rangeFromPart);
}
