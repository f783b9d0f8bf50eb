#pragma once

#include "app/cli/ModelOptions.h"

#include <QString>

class QTextStream;

namespace limner::cli {

// `limner-cli eval-mini`: measures limner-mini (the bundled model) on scenes of its own world
// (engine/ml/train/World.h) that training never saw: the evaluation stream, seed 2. In scene n one
// object is the target (objects[n % count]); its bounding box grown by 4 px is the mask.
//
//   inpaint: the scene without the target, prompt "a small red star" → is the dominant new colour
//            the target's (a plain RGB judge), does the model's own CLIP pick the true phrase
//            among 10, how many pixels outside the mask changed;
//   erase:   the whole scene, empty prompt → PSNR inside the mask against the scene without the
//            target, next to the classical Telea fill on the same input.
//
// Every job runs as `limner-cli inpaint` runs it (document → request → engine → candidate layer →
// flatten) with one candidate, seed = scene number, so `--first n --scenes 1` repeats scene n of
// a longer run exactly. Only in builds with engine/ml (main.cpp says so otherwise).
class EvalMiniCommand {
public:
    ModelArguments model; // model.modelPath: the folder to evaluate
    int scenes = 200;
    int first = 0;        // scene number of the first scene
    QString samplesPath;  // where sample pictures go; empty = none
    int sampleScenes = 6; // how many scenes --samples writes (the first ones)
    // Inpaint with the target's own picture (its box in the whole scene) as the image prompt and
    // no text: the decoder alone, as if the prior had found the exact embedding.
    bool targetPicture = false;
    // No inpainting: the mask holds the autoencoder's round trip of the true picture, so the
    // judges score the best any decoder of this model could do (its ceiling).
    bool autoencoderOnly = false;

    // Needs a QCoreApplication. Prints the table (Markdown) on `table` and one line per scene on
    // `log`. Returns an empty string when the evaluation ran, whether or not the targets are met;
    // else the one-line message to print.
    QString run(QTextStream& table, QTextStream& log) const;
};

} // namespace limner::cli
