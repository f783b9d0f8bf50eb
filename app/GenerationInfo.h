#pragma once

#include <QImage>
#include <QString>
#include <QStringList>

namespace limner::app {

// How a layer's pixels were generated, kept with the layer so that the result stays editable
// ("Re-blend" changes feather, grow and colour match without generating again), so projects can
// save it, and so exports can say that a model took part.
//
// Owners: the outpainting/re-blend work extends the blending fields; the project work saves
// and loads every field (bump the project entry's version when a field is added).
struct GenerationInfo {
    QString prompt;
    QString negativePrompt;
    QString backend; // engine backend name ("telea", a model folder name, …)
    quint64 seed = 0;
    bool fromTrainedModel = false; // true for diffusion models, false for the classical fills
    QImage generated;              // region-sized RGBA: the backend's pixels before alpha was applied
    QImage userMask;               // region-sized Grayscale8: the user's mask cut to the region
    int blendFeather = -1;         // the settings the current alpha was made with (-1 = proportional)
    int blendGrow = -1;
    bool colorMatch = true;
    // More of what a re-blend needs (the outpainting work): how far past the mask the fill
    // owned its pixels (re-blends never reach further), how wide the ring of known pixels is
    // that colour match samples (fixed at generation, so a new feather alone changes only the
    // alpha), colour match by histograms instead of mean and spread, and Poisson blending.
    int denoiseGrow = 0;
    int colorRingWidth = 0;
    bool histogramMatch = false;
    bool poisson = false;
    // Set when the layer is a merge of model pixels with other pixels: a model took part, but
    // not every pixel is its own (exports then say "composite", not "generated").
    bool mixedWithOtherPixels = false;
    // The content policy's warning the user went on after (a face edit, a prompt rule), with
    // its time; saved with the project so the decision stays on record. Empty when none.
    QString consentNote;
    // The styles (StylePreset names) whose words the prompt carried.
    QStringList styles;
    // The candidate mixer: the staging entry and candidate (0-based) the layer was accepted
    // from (0 / -1 when not from a staged job), and, once other candidates were painted in,
    // which candidate (1-based) each pixel mostly shows (Grayscale8, the layer's size).
    int stagingEntryId = 0;
    int candidateIndex = -1;
    QImage candidateMap;

    bool isValid() const { return !backend.isEmpty(); }

    // The classical fills are not trained models; any other backend is. Unknown names count as
    // models, so that an export never fails to declare a model that took part.
    static bool isTrainedModelBackend(const QString& name) {
        return name != QLatin1String("telea") && name != QLatin1String("navier-stokes") &&
               name != QLatin1String("fsr");
    }
};

} // namespace limner::app
