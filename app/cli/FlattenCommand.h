#pragma once

#include <QString>

namespace limner::cli {

// `limner-cli flatten PROJECT.ora --out image.png`: composites a project's visible layers and
// exports the picture exactly as File ▸ Export does, provenance metadata included.
//
// Guarantees: a project that cannot be read (missing, damaged, hostile, past the decode limit)
//   or an output that cannot be written gives a one-line message and leaves no output file.
class FlattenCommand {
public:
    QString projectPath;
    QString outputPath;
    int quality = -1;
    bool generationParameters = false;

    QString run() const; // empty on success, else the message to print
};

} // namespace limner::cli
