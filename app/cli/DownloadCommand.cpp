#include "app/cli/DownloadCommand.h"

#include "app/models/DownloadFormat.h"
#include "app/models/HubDownloader.h"
#include "app/models/SuggestedModels.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTextStream>
#include <QTimer>
#include <csignal>

namespace limner::cli {

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;
constexpr qint64 kProgressLineMs = 2000;

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void onInterrupt(int) {
    g_interrupted = 1;
}

int usage(QTextStream& err, const QString& message) {
    err << "limner-cli: " << message << " (see limner-cli --help)" << Qt::endl;
    return kExitUsage;
}

int listSuggested(QTextStream& out) {
    for (const app::SuggestedModel& model : app::suggestedModels()) {
        QString line = QStringLiteral("%1  %2  %3")
                           .arg(model.repoId, -52)
                           .arg(app::formatBytes(model.totalBytes()), 8)
                           .arg(model.title);
        if (!model.priorRepoId.isEmpty())
            line += QStringLiteral(" (%1, and its prior %2: %3)")
                        .arg(app::formatBytes(model.bytes), model.priorRepoId,
                             app::formatBytes(model.priorBytes));
        out << line << Qt::endl;
    }
    return 0;
}

int download(const QString& reference, QTextStream& out, QTextStream& err) {
    const int at = reference.indexOf(QLatin1Char('@'));
    const QString repoId = reference.left(at);
    const QString revision = at < 0 ? QStringLiteral("main") : reference.mid(at + 1);

    app::HubDownloader downloader;
    QEventLoop loop;
    QString lastActivity;
    qint64 lastLine = -kProgressLineMs;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&downloader, &app::HubDownloader::progress, &loop,
                     [&](qint64 done, qint64 total, double rate, double left, const QString& activity) {
                         if (activity == lastActivity && clock.elapsed() - lastLine < kProgressLineMs)
                             return;
                         lastActivity = activity;
                         lastLine = clock.elapsed();
                         if (total <= 0) { // the file list is not read yet
                             err << activity << Qt::endl;
                             return;
                         }
                         err << QStringLiteral("%1% %2  %3")
                                    .arg(int(done * 100 / total), 3)
                                    .arg(app::formatDownloadProgress(done, total, rate, left), activity)
                             << Qt::endl;
                     });
    QObject::connect(&downloader, &app::HubDownloader::finished, &loop, [&](const QString& folder) {
        out << folder << Qt::endl;
        loop.exit(0);
    });
    QObject::connect(&downloader, &app::HubDownloader::failed, &loop, [&](const QString& message) {
        err << "limner-cli: " << message << Qt::endl;
        loop.exit(kExitFailure);
    });
    QObject::connect(&downloader, &app::HubDownloader::cancelled, &loop, [&] {
        err << "limner-cli: interrupted; what was downloaded stays in the cache: run the same "
               "command again to resume"
            << Qt::endl;
        loop.exit(kExitInterrupted);
    });

    // Ctrl-C cancels from the event loop (cancel() is a direct call on this thread).
    g_interrupted = 0;
    auto* previousInt = std::signal(SIGINT, onInterrupt);
    auto* previousTerm = std::signal(SIGTERM, onInterrupt);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (g_interrupted)
            downloader.cancel();
    });
    interruptPoll.start(100);

    downloader.download(repoId, revision);
    const int status = loop.exec();
    std::signal(SIGINT, previousInt);
    std::signal(SIGTERM, previousTerm);
    return status;
}

} // namespace

int DownloadCommand::run(QTextStream& out, QTextStream& err) const {
    const QString verb = arguments.value(0);
    if (verb == QLatin1String("suggested")) {
        if (arguments.size() != 1)
            return usage(err, QStringLiteral("models suggested takes no arguments"));
        return listSuggested(out);
    }
    if (verb == QLatin1String("download")) {
        if (arguments.size() != 2)
            return usage(err, QStringLiteral("models download needs one model: limner-cli models "
                                             "download ORG/NAME[@REVISION]"));
        return download(arguments.at(1), out, err);
    }
    return usage(err, verb.isEmpty() ? QStringLiteral("models needs download or suggested")
                                     : QStringLiteral("unknown models command '%1': use download or "
                                                      "suggested")
                                           .arg(verb));
}

} // namespace limner::cli
