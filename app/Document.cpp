#include "app/Document.h"

#include "app/AddLayerCommand.h"
#include "app/DocumentCommandAccess.h"
#include "app/DocumentPrivate.h"
#include "app/ImageConvert.h"
#include "app/MaskEditCommand.h"
#include "app/MaskMorphology.h"
#include "app/MergeDownCommand.h"
#include "app/MoveLayerCommand.h"
#include "app/RemoveLayerCommand.h"
#include "app/RenameLayerCommand.h"
#include "app/SetLayerOpacityCommand.h"
#include "app/SetLayerVisibleCommand.h"
#include "engine/imaging/MaskOps.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <utility>

namespace limner::app {

namespace {

QImage emptyMask(const QSize& size) {
    QImage mask(size, QImage::Format_Grayscale8);
    mask.fill(0);
    return mask;
}

} // namespace

Document::Document(QObject* parent)
    : QObject(parent)
    , d(new Private) {}

Document::~Document() {
    // Commands hold a reference to this document; they must go before the state they point at.
    d->undoStack.clear();
    delete d;
}

void Document::reset(const QImage& image, const QString& layerName) {
    d->undoStack.clear();
    d->strokeActive = false;
    d->strokeSnapshot = QImage();
    d->layers.clear();
    d->canvasSize = image.size();
    d->composite.reset(image.size());
    d->mask = emptyMask(image.size());
    d->activeLayerId = -1;
    d->staging.clear();
    if (!image.isNull()) {
        Layer layer;
        layer.id = d->nextLayerId++;
        layer.name = layerName;
        layer.pixels = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
        d->layers.push_back(layer);
        d->activeLayerId = layer.id;
    }
    ++d->revision;
    emit documentReset();
    emit layersChanged();
    emit maskChanged(canvasRect());
    emit activeLayerChanged(d->activeLayerId);
    emit revisionChanged(d->revision);
    emit stagingChanged();
}

bool Document::resetFromLayers(const QSize& canvasSize, const std::vector<Layer>& layers,
                               const QImage& mask, int activeLayerId) {
    if (canvasSize.isEmpty() || (!mask.isNull() && mask.size() != canvasSize))
        return false;
    std::vector<int> ids;
    for (const Layer& layer : layers) {
        if (layer.id <= 0 || layer.pixels.isNull() || std::isnan(layer.opacity) ||
            layer.opacity < 0.0 || layer.opacity > 1.0 ||
            std::find(ids.begin(), ids.end(), layer.id) != ids.end())
            return false;
        ids.push_back(layer.id);
    }
    d->undoStack.clear();
    d->strokeActive = false;
    d->strokeSnapshot = QImage();
    d->canvasSize = canvasSize;
    d->composite.reset(canvasSize);
    d->layers = layers;
    for (Layer& layer : d->layers) {
        if (layer.pixels.format() != QImage::Format_ARGB32_Premultiplied)
            layer.pixels = layer.pixels.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    }
    d->staging.clear(); // another picture's candidates do not belong to this one
    d->mask = mask.isNull() ? emptyMask(canvasSize) : mask.convertToFormat(QImage::Format_Grayscale8);
    d->nextLayerId =
        std::max(d->nextLayerId, ids.empty() ? 1 : *std::max_element(ids.begin(), ids.end()) + 1);
    if (std::find(ids.begin(), ids.end(), activeLayerId) != ids.end())
        d->activeLayerId = activeLayerId;
    else
        d->activeLayerId = ids.empty() ? -1 : ids.back();
    ++d->revision;
    emit documentReset();
    emit layersChanged();
    emit maskChanged(canvasRect());
    emit activeLayerChanged(d->activeLayerId);
    emit revisionChanged(d->revision);
    emit stagingChanged();
    return true;
}

QSize Document::canvasSize() const {
    return d->canvasSize;
}

QString Document::filePath() const {
    return d->filePath;
}

void Document::setFilePath(const QString& path) {
    d->filePath = path;
}

const std::vector<Layer>& Document::layers() const {
    return d->layers;
}

int Document::layerCount() const {
    return static_cast<int>(d->layers.size());
}

const Layer* Document::layerById(int id) const {
    const int index = indexOfLayer(id);
    return index < 0 ? nullptr : &d->layers[static_cast<std::size_t>(index)];
}

int Document::indexOfLayer(int id) const {
    const auto it =
        std::find_if(d->layers.begin(), d->layers.end(), [id](const Layer& l) { return l.id == id; });
    return it == d->layers.end() ? -1 : static_cast<int>(it - d->layers.begin());
}

int Document::activeLayerId() const {
    return d->activeLayerId;
}

void Document::setActiveLayerId(int id) {
    if (layerById(id))
        DocumentCommandAccess::setActiveLayer(*this, id);
}

QImage Document::flatten() const {
    return d->composite.image(0, canvasRect(), d->layers);
}

QImage Document::flatten(const QRect& rect) const {
    if (rect.isEmpty())
        return {};
    const QRect visible = rect.intersected(canvasRect());
    if (visible == rect)
        return d->composite.image(0, rect, d->layers).copy(rect);
    QImage out(rect.size(), QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    if (visible.isEmpty())
        return out;
    const QImage& composite = d->composite.image(0, visible, d->layers);
    QPainter painter(&out);
    painter.setCompositionMode(QPainter::CompositionMode_Source);
    painter.drawImage(visible.topLeft() - rect.topLeft(), composite, visible);
    return out;
}

const QImage& Document::composite(int level, const QRect& levelRect) const {
    return d->composite.image(level, levelRect, d->layers);
}

const QImage& Document::mask() const {
    return d->mask;
}

bool Document::maskIsEmpty() const {
    const QImage& mask = d->mask;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* row = mask.constScanLine(y);
        if (std::any_of(row, row + mask.width(), [](uchar v) { return v != 0; }))
            return false;
    }
    return true;
}

QUndoStack* Document::undoStack() {
    return &d->undoStack;
}

quint64 Document::revision() const {
    return d->revision;
}

int Document::addLayer(const Layer& layer, int index, const QString& undoText) {
    if (layer.pixels.isNull() || index < 0 || index > layerCount() || std::isnan(layer.opacity) ||
        layer.opacity < 0.0 || layer.opacity > 1.0)
        return -1;
    Layer added = layer;
    added.id = DocumentCommandAccess::allocateLayerId(*this);
    added.pixels = layer.pixels.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    d->undoStack.push(
        new AddLayerCommand(*this, added, index, undoText.isEmpty() ? tr("Add Layer") : undoText));
    return added.id;
}

bool Document::removeLayer(int id) {
    if (!layerById(id))
        return false;
    d->undoStack.push(new RemoveLayerCommand(*this, id, tr("Remove Layer")));
    return true;
}

int Document::duplicateLayer(int id) {
    const Layer* source = layerById(id);
    if (!source)
        return -1;
    Layer copy = *source;
    copy.id = DocumentCommandAccess::allocateLayerId(*this);
    copy.name = tr("%1 copy").arg(source->name);
    d->undoStack.push(new AddLayerCommand(*this, copy, indexOfLayer(id) + 1, tr("Duplicate Layer")));
    return copy.id;
}

bool Document::mergeDown(int id) {
    const int index = indexOfLayer(id);
    if (index < 0 || !d->layers[static_cast<std::size_t>(index)].visible)
        return false;
    // Hidden layers in between are skipped: they do not show, so merging past them leaves the
    // picture as it was.
    int lowerIndex = index - 1;
    while (lowerIndex >= 0 && !d->layers[static_cast<std::size_t>(lowerIndex)].visible)
        --lowerIndex;
    if (lowerIndex < 0)
        return false;
    const int lowerId = d->layers[static_cast<std::size_t>(lowerIndex)].id;
    d->undoStack.push(new MergeDownCommand(*this, id, lowerId, tr("Merge Down")));
    return true;
}

bool Document::moveLayer(int id, int newIndex) {
    const int index = indexOfLayer(id);
    if (index < 0 || newIndex < 0 || newIndex >= layerCount())
        return false;
    if (index != newIndex)
        d->undoStack.push(new MoveLayerCommand(*this, id, newIndex, tr("Move Layer")));
    return true;
}

bool Document::renameLayer(int id, const QString& name) {
    const Layer* layer = layerById(id);
    if (!layer || name.trimmed().isEmpty())
        return false;
    if (layer->name != name)
        d->undoStack.push(new RenameLayerCommand(*this, id, name, tr("Rename Layer")));
    return true;
}

bool Document::setLayerVisible(int id, bool visible) {
    const Layer* layer = layerById(id);
    if (!layer)
        return false;
    if (layer->visible != visible) {
        d->undoStack.push(new SetLayerVisibleCommand(*this, id, visible,
                                                     visible ? tr("Show Layer") : tr("Hide Layer")));
    }
    return true;
}

bool Document::setLayerOpacity(int id, qreal opacity) {
    const Layer* layer = layerById(id);
    if (!layer || std::isnan(opacity) || opacity < 0.0 || opacity > 1.0)
        return false;
    if (layer->opacity != opacity)
        d->undoStack.push(new SetLayerOpacityCommand(*this, id, opacity, tr("Layer Opacity")));
    return true;
}

void Document::beginMaskStroke() {
    if (d->strokeActive)
        return;
    d->strokeActive = true;
    d->strokeSnapshot = d->mask; // shared until the first dab detaches the live mask
    d->strokeDirty = QRect();
}

QImage& Document::maskForLiveStroke() {
    beginMaskStroke();
    return d->mask;
}

void Document::notifyMaskPainted(const QRect& rect) {
    const QRect clipped = rect.intersected(canvasRect());
    if (clipped.isEmpty())
        return;
    d->strokeDirty |= clipped;
    emit maskChanged(clipped);
}

void Document::endMaskStroke(const QString& undoText) {
    if (!d->strokeActive)
        return;
    d->strokeActive = false;
    QImage before = std::move(d->strokeSnapshot);
    d->strokeSnapshot = QImage();
    if (d->mask.size() != before.size()) {
        // A tool replaced the image instead of painting into it: that is not a stroke.
        d->mask = before;
        emit maskChanged(canvasRect());
        return;
    }
    if (d->mask.format() != QImage::Format_Grayscale8)
        d->mask = d->mask.convertToFormat(QImage::Format_Grayscale8);
    // A tool that forgot to report what it painted still gets a correct undo step.
    const QRect searched = d->strokeDirty.isEmpty() ? canvasRect() : d->strokeDirty;
    const QRect changed = MaskEditCommand::differenceRect(before, d->mask, searched);
    if (changed.isEmpty())
        return;
    d->undoStack.push(new MaskEditCommand(*this, changed, before.copy(changed), d->mask.copy(changed),
                                          true, undoText.isEmpty() ? tr("Paint Mask") : undoText));
}

void Document::cancelMaskStroke() {
    if (!d->strokeActive)
        return;
    d->strokeActive = false;
    d->mask = std::move(d->strokeSnapshot);
    d->strokeSnapshot = QImage();
    emit maskChanged(d->strokeDirty.isEmpty() ? canvasRect() : d->strokeDirty);
}

bool Document::setMaskRegion(const QImage& newMask, const QString& undoText) {
    if (newMask.isNull() || newMask.size() != canvasSize() || d->strokeActive)
        return false;
    const QImage after = newMask.convertToFormat(QImage::Format_Grayscale8);
    const QRect changed = MaskEditCommand::differenceRect(d->mask, after, canvasRect());
    if (changed.isEmpty())
        return true;
    d->undoStack.push(new MaskEditCommand(*this, changed, d->mask.copy(changed), after.copy(changed),
                                          false, undoText.isEmpty() ? tr("Set Mask") : undoText));
    return true;
}

qint64 Document::maskKey() const {
    return d->mask.cacheKey();
}

bool Document::applyMaskEdit(qint64 basis, const QRect& changed, const QImage& before,
                             const QImage& after, const QString& undoText) {
    if (d->strokeActive || basis != maskKey() || changed.isEmpty() || !canvasRect().contains(changed) ||
        before.size() != changed.size() || after.size() != changed.size())
        return false;
    d->undoStack.push(new MaskEditCommand(*this, changed,
                                          before.convertToFormat(QImage::Format_Grayscale8),
                                          after.convertToFormat(QImage::Format_Grayscale8), false,
                                          undoText.isEmpty() ? tr("Set Mask") : undoText));
    return true;
}

void Document::invertMask() {
    if (d->mask.isNull())
        return;
    namespace imaging = engine::imaging;
    setMaskRegion(ImageConvert::toQImage(imaging::invertMask(ImageConvert::toEngineMask(d->mask))),
                  tr("Invert Mask"));
}

void Document::clearMask() {
    if (d->mask.isNull())
        return;
    setMaskRegion(emptyMask(canvasSize()), tr("Clear Mask"));
}

void Document::growMask(int px) {
    if (d->mask.isNull() || px <= 0)
        return;
    setMaskRegion(MaskMorphology::grow(d->mask, px), tr("Grow Mask"));
}

void Document::shrinkMask(int px) {
    if (d->mask.isNull() || px <= 0)
        return;
    setMaskRegion(MaskMorphology::shrink(d->mask, px), tr("Shrink Mask"));
}

const StagingHistory& Document::stagingHistory() const {
    return d->staging;
}

int Document::addStagingEntry(StagingEntry entry) {
    const int id = d->staging.add(std::move(entry));
    emit stagingChanged();
    return id;
}

bool Document::removeStagingEntry(int id) {
    if (!d->staging.remove(id))
        return false;
    emit stagingChanged();
    return true;
}

void Document::setStagingHistory(const StagingHistory& history) {
    d->staging = history;
    emit stagingChanged();
}

} // namespace limner::app
