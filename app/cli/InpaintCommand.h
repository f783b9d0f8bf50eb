#pragma once

#include <QString>

namespace limner::cli {

// `limner-cli inpaint`: loads a picture and a mask, runs one job through EngineClient exactly as
// the GUI does (document → request → engine → candidate layer → flatten) and saves the result.
//
// Guarantees: every check that can fail (files, sizes, mask, backend, output folder) runs
//   before the job; on any failure the output file is not created or touched.
class InpaintCommand {
public:
    QString imagePath;
    QString maskPath;
    QString outputPath;
    QString backend = QStringLiteral("telea");
    QString prompt;
    quint64 seed = 0;
    int quality = -1;
    int feather = -1; // px of soft edge past the mask; 0 = only masked pixels change; -1 = proportional

    // Needs a QCoreApplication (no event loop yet). Returns an empty string on
    // success, else the one-line message to print.
    QString run() const;
};

} // namespace limner::cli
