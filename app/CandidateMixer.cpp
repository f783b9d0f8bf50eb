#include "app/CandidateMixer.h"

#include "app/Document.h"
#include "app/ImageConvert.h"
#include "app/MixCandidateCommand.h"
#include "app/StagingEntry.h"
#include "app/StagingHistory.h"
#include "engine/imaging/SeamTone.h"

#include <QUndoStack>
#include <algorithm>

namespace limner::app {

namespace {

// The candidate's pixels with their tone evened out towards the layer where the stroke's soft
// edge lies over it (SeamTone), so what is painted in flows into the layer instead of changing
// tone in a step at the stroke's edge: the automatic seam re-blend of a mixer stroke.
QImage reblended(const engine::Image& candidate, const QImage& layerPixels, const QImage& weights) {
    engine::Image stroke = candidate;
    const engine::Image layer = ImageConvert::toEngineRgba(layerPixels);
    engine::Image final(layer.width, layer.height, 1);
    for (int y = 0; y < stroke.height; ++y) {
        const uchar* w = weights.constScanLine(y);
        for (int x = 0; x < stroke.width; ++x) {
            stroke.pixel(x, y)[3] = std::min(stroke.pixel(x, y)[3], w[x]);
            final.pixel(x, y)[0] = layer.pixel(x, y)[3] > 0 ? 255 : 0;
        }
    }
    engine::imaging::evenToneAtSoftEdge(stroke, engine::Rect{0, 0, stroke.width, stroke.height}, layer,
                                        final, 3.0);
    for (int y = 0; y < stroke.height; ++y)
        for (int x = 0; x < stroke.width; ++x)
            stroke.pixel(x, y)[3] = candidate.pixel(x, y)[3];
    return ImageConvert::toLayerPixels(stroke).convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

} // namespace

const StagingEntry* mixableEntry(const Document& document, int layerId) {
    const Layer* layer = document.layerById(layerId);
    if (!layer || layer->generation.stagingEntryId <= 0 || layer->generation.candidateIndex < 0)
        return nullptr;
    const StagingEntry* entry = document.stagingHistory().find(layer->generation.stagingEntryId);
    if (!entry || entry->count() < 2)
        return nullptr;
    const engine::Rect& r = entry->result.region;
    if (layer->pixels.size() != QSize(r.width, r.height))
        return nullptr;
    return entry;
}

bool mixCandidateIntoLayer(Document& document, int layerId, int candidateIndex, const QImage& weights,
                           QString* errorMessage) {
    const auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return false;
    };
    const StagingEntry* entry = mixableEntry(document, layerId);
    if (!entry)
        return fail(QObject::tr("this layer is not from a job whose candidates are still staged"));
    if (candidateIndex < 0 || candidateIndex >= entry->count())
        return fail(QObject::tr("the job has no candidate %1").arg(candidateIndex + 1));
    const Layer* current = document.layerById(layerId);
    if (weights.size() != current->pixels.size() || weights.format() != QImage::Format_Grayscale8)
        return fail(QObject::tr("the brush stroke does not fit the layer"));

    Layer after = *current;
    QImage pixels = current->pixels.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    const QImage source = reblended(entry->result.candidates[std::size_t(candidateIndex)].layer,
                                    current->pixels, weights);
    QImage map = after.generation.candidateMap;
    if (map.size() != pixels.size() || map.format() != QImage::Format_Grayscale8) {
        map = QImage(pixels.size(), QImage::Format_Grayscale8);
        map.fill(uchar(after.generation.candidateIndex + 1));
    }
    bool changed = false;
    for (int y = 0; y < pixels.height(); ++y) {
        auto* row = reinterpret_cast<QRgb*>(pixels.scanLine(y));
        const auto* from = reinterpret_cast<const QRgb*>(source.constScanLine(y));
        const uchar* w = weights.constScanLine(y);
        uchar* m = map.scanLine(y);
        for (int x = 0; x < pixels.width(); ++x) {
            if (w[x] == 0)
                continue;
            const int a = w[x], b = 255 - a;
            const QRgb p = row[x], q = from[x];
            row[x] = qRgba(
                (qRed(q) * a + qRed(p) * b + 127) / 255, (qGreen(q) * a + qGreen(p) * b + 127) / 255,
                (qBlue(q) * a + qBlue(p) * b + 127) / 255, (qAlpha(q) * a + qAlpha(p) * b + 127) / 255);
            if (a >= 128)
                m[x] = uchar(candidateIndex + 1);
            changed = true;
        }
    }
    if (!changed)
        return fail(QObject::tr("the stroke is empty"));
    after.pixels = pixels;
    after.generation.candidateMap = map;
    document.undoStack()->push(new MixCandidateCommand(document, *current, after, candidateIndex));
    return true;
}

} // namespace limner::app
