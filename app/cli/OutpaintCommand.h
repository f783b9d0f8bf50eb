#pragma once

#include "app/CanvasMargins.h"
#include "app/cli/ModelOptions.h"
#include "engine/imaging/CandidateBlend.h"
#include "engine/imaging/OutpaintSeed.h"

#include <QSize>
#include <QString>

namespace limner::cli {

// `limner-cli outpaint`: grows a picture by the given margins and fills the new area through
// EngineClient exactly as the editor does (document → OutpaintJob → engine → candidate layer
// on the grown canvas → flatten). Large or multi-direction extensions run as a plan of
// overlapping frames. The original pixels come back unchanged away from the seam.
//
// Guarantees: every check that can fail (files, margins, backend, model folder, output folder)
//   runs before the job; on any failure the output file is not created or touched.
class OutpaintCommand {
public:
    QString imagePath;
    QString outputPath;
    QString backend = QStringLiteral("telea");
    ModelArguments model; // model.modelPath set = a diffusion model instead of backend
    QString prompt;
    quint64 seed = 0;
    int quality = -1;
    int feather = -1; // px of soft edge into the picture; -1 = in proportion to the new area
    app::CanvasMargins margins;
    QSize frameSize; // empty: the backend's native size, or one frame over the whole new canvas
                     //   for backends that take any size
    engine::imaging::SeedMethod seedMethod = engine::imaging::SeedMethod::EdgeExtend;
    engine::imaging::ColorMatchMode colorMatch = engine::imaging::ColorMatchMode::Statistics;
    bool poisson = false;

    // Needs a QCoreApplication (no event loop yet). Returns an empty string on success, else
    // the one-line message to print.
    // *exitCode (when given) is set where a failure has its own code (ModelArguments::kExit…).
    QString run(int* exitCode = nullptr) const;
};

} // namespace limner::cli
