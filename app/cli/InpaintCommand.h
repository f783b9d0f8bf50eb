#pragma once

#include "app/cli/ModelOptions.h"
#include "engine/imaging/CandidateBlend.h"

#include <QString>
#include <optional>

namespace limner::cli {

// `limner-cli inpaint`: loads a picture and a mask, runs one job through EngineClient exactly as
// the GUI does (document → request → engine → candidate layer → flatten) and saves the result.
//
// Several candidates are written as name-1.png, name-2.png, …
//
// Guarantees: every check that can fail (files, sizes, mask, backend, model folder, output
//   folder) runs before the job; on any failure no output file is created or touched.
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
    // Unset = the backend's default (EngineClient::inpaintColorMatch).
    std::optional<engine::imaging::ColorMatchMode> colorMatch;
    ModelArguments model; // model.modelPath set = a diffusion model instead of backend

    // Needs a QCoreApplication (no event loop yet). Returns an empty string on
    // success, else the one-line message to print.
    // *exitCode (when given) is set where a failure has its own code (ModelArguments::kExit…).
    QString run(int* exitCode = nullptr) const;
};

} // namespace limner::cli
