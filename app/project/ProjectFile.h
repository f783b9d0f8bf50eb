#pragma once

#include "app/project/OraReader.h"
#include "app/project/OraWriter.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace limner::app {

class Document;
struct ProjectSnapshot;

// Saving and opening Limner projects (.ora), so that saving can never destroy work.
//
// Guarantees of save(): the new file is written to a temporary file in the same folder, synced
//   and renamed over the old one (QSaveFile); the previous version is kept as "name.ora~"; the
//   bytes are parsed before they are written and compared with what the disk holds after, and
//   only then is success reported. On any failure (missing or read-only folder, full disk, a
//   write error after any number of bytes) the message says so, the previous file is
//   byte-identical, no temporary file is left behind and the document stays marked unsaved.
class ProjectFile {
public:
    static bool isProjectPath(const QString& path); // by suffix: .ora
    static QString fileFilter();                    // "Limner projects (*.ora)"
    static QString backupPath(const QString& path) { return path + QLatin1Char('~'); }

    // Saves the document to path; on success the document takes the path and is marked clean.
    static bool save(Document& document, const QString& path, QString* errorMessage);
    // Replaces the document with the project at path (a clean undo stack); on failure the
    // document is unchanged. warnings gets what could not be kept exactly.
    static bool open(Document& document, const QString& path, qint64 decodeLimitBytes,
                     QString* errorMessage, QStringList* warnings = nullptr);

    // The steps behind save() and open(), for autosave and the CLI.
    enum class Backup { Keep, None };
    static bool writeSnapshot(const ProjectSnapshot& snapshot, const QString& path, Backup backup,
                              OraWriter::PngSpeed speed, QString* errorMessage);
    static std::optional<ProjectSnapshot>
    readSnapshot(const QString& path, const OraReader::Limits& limits, QString* errorMessage);
};

} // namespace limner::app
