#include "app/LayerReblend.h"

#include "app/Document.h"
#include "app/ImageConvert.h"
#include "app/ReblendCommand.h"
#include "engine/imaging/Reblend.h"

#include <QPainter>
#include <QUndoStack>

namespace limner::app {

namespace {

// The visible layers under layerId, composited over the given canvas rectangle: what the
// re-blended layer is matched and blended against.
QImage pictureBelow(const Document& document, int layerId, const QRect& rect) {
    QImage below(rect.size(), QImage::Format_ARGB32_Premultiplied);
    below.fill(Qt::transparent);
    QPainter painter(&below);
    for (const Layer& layer : document.layers()) {
        if (layer.id == layerId)
            break;
        if (!layer.visible || layer.opacity <= 0.0)
            continue;
        painter.setOpacity(layer.opacity);
        painter.drawImage(layer.offset - rect.topLeft(), layer.pixels);
    }
    return below;
}

} // namespace

LayerBlendSettings LayerBlendSettings::of(const GenerationInfo& info) {
    LayerBlendSettings s;
    s.feather = qMax(0, info.blendFeather);
    s.grow = qMax(0, info.blendGrow);
    s.colorMatch = info.colorMatch;
    s.histogramMatch = info.histogramMatch;
    s.poisson = info.poisson;
    return s;
}

bool canReblend(const Document& document, int layerId) {
    const Layer* layer = document.layerById(layerId);
    return layer && !layer->generation.generated.isNull() && !layer->generation.userMask.isNull() &&
           layer->generation.generated.size() == layer->pixels.size() &&
           layer->generation.userMask.size() == layer->pixels.size();
}

bool reblendLayer(Document& document, int layerId, const LayerBlendSettings& settings,
                  QString* errorMessage) {
    const auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return false;
    };
    const Layer* layer = document.layerById(layerId);
    if (!layer)
        return fail(QObject::tr("there is no layer %1 to re-blend").arg(layerId));
    if (!canReblend(document, layerId))
        return fail(QObject::tr("\"%1\" was not generated (or its generation data is missing), so "
                                "it cannot be re-blended")
                        .arg(layer->name));
    if (settings.feather < 0 || settings.grow < 0 || settings.feather > 512 || settings.grow > 512)
        return fail(QObject::tr("feather and grow must be 0 to 512 pixels"));

    const GenerationInfo& info = layer->generation;
    engine::imaging::ReblendSettings s;
    s.blendFeather = settings.feather;
    s.blendGrow = settings.grow;
    s.colorMatch = !settings.colorMatch      ? engine::imaging::ColorMatchMode::Off
                   : settings.histogramMatch ? engine::imaging::ColorMatchMode::Histogram
                                             : engine::imaging::ColorMatchMode::Statistics;
    s.poisson = settings.poisson;
    s.denoiseGrow = info.denoiseGrow;
    s.colorRingWidth = info.colorRingWidth;
    // Model backends are named "model:<folder>" (engine ModelBackend::nameFor).
    s.matchAtEdgeOnly = info.backend.startsWith(QStringLiteral("model:"));
    engine::Image rebuilt;
    const engine::Status status = engine::imaging::reblendCandidate(
        ImageConvert::toEngineRgb(info.generated),
        ImageConvert::toEngineRgba(pictureBelow(document, layerId, layer->canvasRect())),
        ImageConvert::toEngineMask(info.userMask), s, rebuilt);
    if (!status)
        return fail(QString::fromStdString(status.message()));

    Layer after = *layer;
    after.pixels = ImageConvert::toLayerPixels(rebuilt);
    after.generation.blendFeather = settings.feather;
    after.generation.blendGrow = settings.grow;
    after.generation.colorMatch = settings.colorMatch;
    after.generation.histogramMatch = settings.histogramMatch;
    after.generation.poisson = settings.poisson;
    document.undoStack()->push(new ReblendCommand(document, *layer, after));
    if (errorMessage)
        errorMessage->clear();
    return true;
}

} // namespace limner::app
