#include "app/Document.h"
#include "app/project/Autosave.h"
#include "app/project/ProjectFile.h"
#include "tests/project/ProjectFixtures.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <catch2/catch.hpp>

using limner::app::Autosave;
using limner::app::Document;
using limner::app::ProjectFile;

namespace {

bool waitFor(const std::function<bool()>& condition, int timeoutMs = 20000) {
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return true;
}

} // namespace

TEST_CASE("Autosave writes unsaved changes into the recovery folder only, and cleans up after itself",
          "[project]") {
    QTemporaryDir recovery;
    QTemporaryDir work;
    Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
    const QString userFile = work.filePath(QStringLiteral("mine.ora"));
    QString error;
    REQUIRE(ProjectFile::save(document, userFile, &error));
    const QByteArray saved = ProjectFixtures::readFile(userFile);
    {
        Autosave autosave(document, recovery.path());
        autosave.setInterval(std::chrono::milliseconds(0)); // driven by hand here
        CHECK_FALSE(autosave.autosaveNow());                // nothing unsaved
        document.addLayer(ProjectFixtures::numberedLayer(1), 1, QString());
        QSignalSpy spy(&autosave, &Autosave::autosaved);
        REQUIRE(autosave.autosaveNow());
        REQUIRE(waitFor([&] { return spy.count() == 1; }));
        CHECK_FALSE(autosave.autosaveNow()); // nothing new since
        CHECK(QFileInfo(autosave.recoveryPath()).absolutePath() ==
              QFileInfo(recovery.path()).absoluteFilePath());
        CHECK(ProjectFixtures::readFile(userFile) == saved); // never the user's file
        CHECK(document.undoStack()->isClean() == false);     // an autosave is not a save
        // While this session runs, its autosave is not offered for recovery.
        CHECK(Autosave::findRecoverable(recovery.path()).isEmpty());
    }
    // A normal end removes the session's files.
    CHECK(QDir(recovery.path()).entryList(QDir::Files).isEmpty());
}

TEST_CASE("After kill -9 at a random moment the recovered document matches the last autosave",
          "[project]") {
    QRandomGenerator random(20261122);
    for (int round = 0; round < 5; ++round) {
        QTemporaryDir recovery;
        QProcess probe;
        probe.start(QStringLiteral(LIMNER_AUTOSAVE_PROBE), {recovery.path()});
        REQUIRE(probe.waitForStarted());
        QString output;
        // Let at least one autosave complete, then kill at a random moment.
        REQUIRE(waitFor([&] {
            output += QString::fromUtf8(probe.readAllStandardOutput());
            return output.contains(QStringLiteral("autosaved"));
        }));
        const int delay = random.bounded(50, 700);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < delay)
            probe.waitForReadyRead(5);
        probe.kill(); // SIGKILL: no destructor, no cleanup
        REQUIRE(probe.waitForFinished());
        output += QString::fromUtf8(probe.readAllStandardOutput());
        const QStringList lines = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const int lastReported = lines.last().section(QLatin1Char(' '), 1).toInt();
        INFO("round " << round << ", killed after " << delay << " ms, last reported autosave "
                      << lastReported);

        const QList<Autosave::Recoverable> found = Autosave::findRecoverable(recovery.path());
        REQUIRE(found.size() == 1);
        Document recovered;
        QString error;
        REQUIRE(ProjectFile::open(recovered, found.first().projectPath, qint64(1) << 30, &error));
        // The last autosave that completed, or the one whose report the kill cut short; never a
        // torn or partial state: every edit up to it is there, exactly.
        const int edits = recovered.layerCount() - 1;
        CHECK(edits >= lastReported);
        CHECK(recovered.layers().front().pixels ==
              ProjectFixtures::photo(QStringLiteral("astronaut.png")));
        for (int n = 1; n <= edits; ++n) {
            const auto& layer = recovered.layers()[static_cast<std::size_t>(n)];
            const auto expected = ProjectFixtures::numberedLayer(n);
            CHECK(layer.name == expected.name);
            CHECK(layer.offset == expected.offset);
            CHECK(layer.pixels == expected.pixels);
        }
        Autosave::remove(found.first());
        CHECK(Autosave::findRecoverable(recovery.path()).isEmpty());
    }
}
