#include "app/Document.h"
#include "app/project/ProjectFile.h"
#include "tests/project/ProjectFixtures.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QUndoStack>
#include <catch2/catch.hpp>
#include <unistd.h>

using limner::app::Document;
using limner::app::ProjectFile;

namespace {

struct ProbeRun {
    int exitCode = -1;
    QString output;
};

ProbeRun runProbe(const QString& target, qint64 failAfterBytes) {
    QProcess probe;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(LIMNER_WRITE_FAULT_SHIM));
    env.insert(QStringLiteral("LIMNER_FAIL_WRITES_AFTER"), QString::number(failAfterBytes));
    probe.setProcessEnvironment(env);
    probe.start(QStringLiteral(LIMNER_SAVE_PROBE), {target});
    if (!probe.waitForFinished(60000))
        return {};
    return {probe.exitStatus() == QProcess::NormalExit ? probe.exitCode() : -1,
            QString::fromUtf8(probe.readAllStandardOutput())};
}

} // namespace

TEST_CASE("A save that fails after any number of bytes leaves the previous file byte-identical",
          "[project]") {
    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("work.ora"));
    Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("chelsea.png")));
    QString error;
    REQUIRE(ProjectFile::save(document, target, &error));
    const QByteArray previous = ProjectFixtures::readFile(target);
    const QByteArray layered = [&] {
        // How many bytes a successful save writes: the backup plus the new project.
        QTemporaryDir scratch;
        const QString path = scratch.filePath(QStringLiteral("size.ora"));
        ProjectFixtures::writeFile(path, previous);
        REQUIRE(runProbe(path, -1).exitCode == 0);
        return ProjectFixtures::readFile(path);
    }();
    const qint64 total = previous.size() + layered.size();

    std::vector<qint64> cutOffs{0,
                                1,
                                29,
                                30,
                                4095,
                                4096,
                                4097,
                                previous.size() - 1,
                                previous.size(),
                                previous.size() + 1,
                                previous.size() + 38,
                                total - 22,
                                total - 1};
    for (int i = 1; i < 16; ++i)
        cutOffs.push_back(total * i / 16);
    for (const qint64 cutOff : cutOffs) {
        INFO("writes fail after " << cutOff << " of " << total << " bytes");
        for (const QString& name : QDir(dir.path()).entryList(QDir::Files))
            QFile::remove(dir.filePath(name));
        REQUIRE(ProjectFixtures::writeFile(target, previous));

        const ProbeRun run = runProbe(target, cutOff);
        INFO(run.output.toStdString());
        CHECK(run.exitCode == 1);
        CHECK(run.output.startsWith(QStringLiteral("cannot save ") + QDir::toNativeSeparators(target)));
        CHECK(run.output.contains(QStringLiteral("clean=0")));
        CHECK(ProjectFixtures::readFile(target) == previous);
        // Nothing but the project and, when it got that far, an intact backup.
        QStringList files = QDir(dir.path()).entryList(QDir::Files);
        files.removeAll(QStringLiteral("work.ora"));
        if (files.size() == 1 && files.first() == QStringLiteral("work.ora~"))
            CHECK(ProjectFixtures::readFile(ProjectFile::backupPath(target)) == previous);
        else
            CHECK(files.isEmpty());
    }

    // Without a fault the same save succeeds, and the previous version becomes the backup.
    REQUIRE(ProjectFixtures::writeFile(target, previous));
    const ProbeRun run = runProbe(target, -1);
    CHECK(run.exitCode == 0);
    CHECK(run.output.contains(QStringLiteral("clean=1")));
    CHECK(ProjectFixtures::readFile(ProjectFile::backupPath(target)) == previous);
    Document reopened;
    CHECK(ProjectFile::open(reopened, target, qint64(1) << 30, &error));
    CHECK(reopened.layerCount() == 5);
}

TEST_CASE("Saving into a missing or read-only folder fails with a message and keeps the document "
          "unsaved",
          "[project]") {
    QTemporaryDir dir;
    Document document;
    ProjectFixtures::buildLayeredDocument(document);
    QString error;
    CHECK_FALSE(ProjectFile::save(document, dir.filePath(QStringLiteral("missing/work.ora")), &error));
    CHECK(error.contains(QStringLiteral("does not exist")));
    CHECK_FALSE(document.undoStack()->isClean());
    CHECK(document.filePath().isEmpty());

    CHECK_FALSE(ProjectFile::save(document, dir.path(), &error)); // a folder, not a file
    CHECK(error.contains(QStringLiteral("not a file")));
    CHECK_FALSE(document.undoStack()->isClean());

    if (geteuid() != 0) { // root writes into read-only folders anyway
        const QString readOnly = dir.filePath(QStringLiteral("ro"));
        QDir().mkdir(readOnly);
        QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        CHECK_FALSE(ProjectFile::save(document, readOnly + QStringLiteral("/work.ora"), &error));
        CHECK(error.contains(QStringLiteral("not writable")));
        CHECK_FALSE(document.undoStack()->isClean());
        QFile::setPermissions(readOnly,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
}
