#include "app/ApplyCandidate.h"

#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"

#include <QUndoStack>

namespace limner::app {

namespace {

// What Re-blend needs to rebuild the layer's alpha and colours without generating again.
void storeReblendData(GenerationInfo& info, const engine::InpaintResult& result, int candidateIndex) {
    const engine::InpaintCandidate& candidate =
        result.candidates[static_cast<std::size_t>(candidateIndex)];
    if (candidate.generated.empty() || result.userMask.empty())
        return;
    info.generated =
        ImageConvert::toQImage(candidate.generated).convertToFormat(QImage::Format_RGBA8888);
    info.userMask = ImageConvert::toQImage(result.userMask);
    info.blendFeather = result.blendFeather;
    info.blendGrow = result.blendGrow;
    info.denoiseGrow = result.denoiseGrow;
    info.colorRingWidth = result.colorRingWidth;
    info.colorMatch = result.composite.colorMatch;
    info.histogramMatch = result.composite.colorMatchMode == engine::imaging::ColorMatchMode::Histogram;
    info.poisson = result.composite.poisson;
}

} // namespace

int applyCandidateAsLayer(Document& document, const engine::InpaintResult& result, int candidateIndex,
                          QString* errorMessage, MaskAfterAccept mask, int stagingEntryId) {
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return -1;
    };
    if (candidateIndex < 0 || candidateIndex >= static_cast<int>(result.candidates.size())) {
        return fail(QStringLiteral("there is no candidate %1; the result has %2")
                        .arg(candidateIndex + 1)
                        .arg(result.candidates.size()));
    }
    const engine::Image& pixels = result.candidates[static_cast<std::size_t>(candidateIndex)].layer;
    const QRect region(result.region.x, result.region.y, result.region.width, result.region.height);
    if (pixels.width != region.width() || pixels.height != region.height() || pixels.channels != 4 ||
        !pixels.isConsistent()) {
        return fail(QStringLiteral("the candidate is %1×%2 but its region is %3×%4; the result is "
                                   "damaged, generate again")
                        .arg(pixels.width)
                        .arg(pixels.height)
                        .arg(region.width())
                        .arg(region.height()));
    }
    if (region.isEmpty() || !document.canvasRect().contains(region)) {
        return fail(QStringLiteral("the result was made for a different canvas (its region %1,%2 "
                                   "%3×%4 lies outside the %5×%6 canvas); generate again")
                        .arg(region.x())
                        .arg(region.y())
                        .arg(region.width())
                        .arg(region.height())
                        .arg(document.canvasSize().width())
                        .arg(document.canvasSize().height()));
    }

    Layer layer;
    layer.name = result.prompt.empty()
                     ? EngineClient::backendLabel(QString::fromStdString(result.backend))
                     : QString::fromStdString(result.prompt);
    layer.pixels = ImageConvert::toLayerPixels(pixels);
    layer.offset = region.topLeft();
    layer.generation.backend = QString::fromStdString(result.backend);
    layer.generation.prompt = QString::fromStdString(result.prompt);
    layer.generation.consentNote = QString::fromStdString(result.consentNote);
    layer.generation.stagingEntryId = stagingEntryId;
    layer.generation.candidateIndex = candidateIndex;
    for (const std::string& style : result.styles)
        layer.generation.styles << QString::fromStdString(style);
    layer.generation.seed = result.candidates[static_cast<std::size_t>(candidateIndex)].seed;
    layer.generation.fromTrainedModel = GenerationInfo::isTrainedModelBackend(layer.generation.backend);
    storeReblendData(layer.generation, result, candidateIndex);
    const int target = document.indexOfLayer(result.targetLayerId);
    const int index = target < 0 ? document.layerCount() : target + 1;
    const bool clearMask = mask == MaskAfterAccept::Clear && !document.maskIsEmpty();
    if (clearMask)
        document.undoStack()->beginMacro(QStringLiteral("Apply Candidate"));
    const int id = document.addLayer(layer, index, QStringLiteral("Apply Candidate"));
    if (id >= 0 && clearMask)
        document.clearMask();
    if (clearMask)
        document.undoStack()->endMacro();
    if (id < 0)
        return fail(QStringLiteral("the candidate could not be added as a layer"));
    if (errorMessage)
        errorMessage->clear();
    return id;
}

} // namespace limner::app
