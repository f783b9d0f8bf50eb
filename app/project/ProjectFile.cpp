#include "app/project/ProjectFile.h"

#include "app/Document.h"
#include "app/project/ProjectSnapshot.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUndoStack>

namespace limner::app {

namespace {

QString shown(const QString& path) {
    return QDir::toNativeSeparators(path);
}

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    if (file.write(bytes) != bytes.size()) {
        *error = file.errorString();
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

std::optional<QByteArray> readWhole(const QString& path, qint64 limit, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return std::nullopt;
    }
    if (file.size() > limit) {
        *error = QStringLiteral("the file is %1 MiB, more than the limit of %2 MiB")
                     .arg(file.size() >> 20)
                     .arg(limit >> 20);
        return std::nullopt;
    }
    QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *error = file.errorString();
        return std::nullopt;
    }
    return bytes;
}

} // namespace

bool ProjectFile::isProjectPath(const QString& path) {
    return QFileInfo(path).suffix().compare(QLatin1String("ora"), Qt::CaseInsensitive) == 0;
}

QString ProjectFile::fileFilter() {
    return QStringLiteral("Limner projects (*.ora)");
}

bool ProjectFile::writeSnapshot(const ProjectSnapshot& snapshot, const QString& path, Backup backup,
                                OraWriter::PngSpeed speed, QString* errorMessage) {
    QString error;
    auto fail = [&](const QString& reason) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot save %1: %2").arg(shown(path), reason);
        return false;
    };
    const QFileInfo info(path);
    const QFileInfo folder(info.absolutePath());
    if (!folder.isDir())
        return fail(QStringLiteral("the folder %1 does not exist").arg(shown(folder.filePath())));
    if (!folder.isWritable())
        return fail(QStringLiteral("the folder %1 is not writable; save somewhere else")
                        .arg(shown(folder.filePath())));
    if (info.exists() && !info.isFile())
        return fail(QStringLiteral("it is not a file"));

    const QByteArray bytes = OraWriter::toBytes(snapshot, &error, speed);
    if (bytes.isEmpty())
        return fail(error);
    // Parse what is about to be written: a writer bug must not replace a good file.
    OraReader::Limits generous;
    generous.decodeLimitBytes = qint64(16) << 30;
    generous.totalDecodeBytes = qint64(1) << 40;
    generous.zip.maxRatio = 1 << 20;
    const std::optional<ProjectSnapshot> readBack = OraReader::read(bytes, generous, &error);
    if (!readBack)
        return fail(QStringLiteral("the written project does not read back (%1); nothing was changed")
                        .arg(error));
    // The reader only warns about a staging entry it cannot read; here that is a writer bug.
    if (readBack->staging.size() != snapshot.staging.size())
        return fail(QStringLiteral("the written staging history does not read back (%1); nothing "
                                   "was changed")
                        .arg(readBack->warnings.join(QStringLiteral("; "))));

    if (backup == Backup::Keep && info.exists()) {
        const std::optional<QByteArray> previous =
            readWhole(path, generous.zip.maxArchiveBytes, &error);
        if (!previous || !writeAtomically(backupPath(path), *previous, &error))
            return fail(QStringLiteral("the previous version could not be kept as %1 (%2)")
                            .arg(QFileInfo(backupPath(path)).fileName(), error));
    }
    if (!writeAtomically(path, bytes, &error))
        return fail(error);
    const std::optional<QByteArray> onDisk = readWhole(path, generous.zip.maxArchiveBytes, &error);
    if (!onDisk || *onDisk != bytes) {
        // The rename happened but the disk does not hold what was written: put the old back.
        if (backup == Backup::Keep && QFileInfo::exists(backupPath(path))) {
            const std::optional<QByteArray> previous =
                readWhole(backupPath(path), generous.zip.maxArchiveBytes, &error);
            if (previous)
                writeAtomically(path, *previous, &error);
        }
        return fail(QStringLiteral("the file on disk differs from what was written; check the disk"));
    }
    if (errorMessage)
        errorMessage->clear();
    return true;
}

std::optional<ProjectSnapshot>
ProjectFile::readSnapshot(const QString& path, const OraReader::Limits& limits, QString* errorMessage) {
    QString error;
    auto fail = [&](const QString& reason) {
        if (errorMessage)
            *errorMessage = QStringLiteral("cannot open %1: %2").arg(shown(path), reason);
        return std::optional<ProjectSnapshot>();
    };
    const QFileInfo info(path);
    if (!info.exists())
        return fail(QStringLiteral("the file does not exist"));
    if (!info.isFile())
        return fail(QStringLiteral("it is not a file"));
    const std::optional<QByteArray> bytes = readWhole(path, limits.zip.maxArchiveBytes, &error);
    if (!bytes)
        return fail(error);
    std::optional<ProjectSnapshot> snapshot = OraReader::read(*bytes, limits, &error);
    if (!snapshot)
        return fail(error);
    if (errorMessage)
        errorMessage->clear();
    return snapshot;
}

bool ProjectFile::save(Document& document, const QString& path, QString* errorMessage) {
    if (!writeSnapshot(ProjectSnapshot::fromDocument(document), path, Backup::Keep,
                       OraWriter::PngSpeed::Default, errorMessage))
        return false;
    document.setFilePath(path);
    document.undoStack()->setClean();
    return true;
}

bool ProjectFile::open(Document& document, const QString& path, qint64 decodeLimitBytes,
                       QString* errorMessage, QStringList* warnings) {
    OraReader::Limits limits;
    limits.decodeLimitBytes = decodeLimitBytes;
    const std::optional<ProjectSnapshot> snapshot = readSnapshot(path, limits, errorMessage);
    if (!snapshot)
        return false;
    if (!snapshot->applyTo(document)) {
        if (errorMessage)
            *errorMessage =
                QStringLiteral("cannot open %1: its layers are inconsistent").arg(shown(path));
        return false;
    }
    document.setFilePath(path);
    if (warnings)
        *warnings = snapshot->warnings;
    return true;
}

} // namespace limner::app
