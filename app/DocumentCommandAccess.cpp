#include "app/DocumentCommandAccess.h"

#include "app/DocumentPrivate.h"

#include <QPainter>
#include <algorithm>
#include <cstring>

namespace limner::app {

namespace {

std::vector<Layer>::iterator findLayer(std::vector<Layer>& layers, int id) {
    return std::find_if(layers.begin(), layers.end(), [id](const Layer& l) { return l.id == id; });
}

} // namespace

int DocumentCommandAccess::allocateLayerId(Document& doc) {
    return doc.d->nextLayerId++;
}

bool DocumentCommandAccess::insertLayer(Document& doc, const Layer& layer, int index) {
    auto& layers = doc.d->layers;
    if (index < 0 || index > static_cast<int>(layers.size()) ||
        findLayer(layers, layer.id) != layers.end())
        return false;
    layers.insert(layers.begin() + index, layer);
    doc.d->nextLayerId = std::max(doc.d->nextLayerId, layer.id + 1);
    doc.d->composite.stackChanged(layer.canvasRect());
    emit doc.layersChanged();
    emit doc.layerPixelsChanged(layer.id, layer.canvasRect());
    return true;
}

Layer DocumentCommandAccess::takeLayer(Document& doc, int id) {
    auto& layers = doc.d->layers;
    const auto it = findLayer(layers, id);
    if (it == layers.end())
        return {};
    const int index = static_cast<int>(it - layers.begin());
    Layer taken = std::move(*it);
    layers.erase(it);
    doc.d->composite.stackChanged(taken.canvasRect());
    if (doc.d->activeLayerId == id) {
        // The selection falls to the layer below, or to the new bottom layer.
        setActiveLayer(doc, layers.empty() ? -1 : layers[index > 0 ? index - 1 : 0].id);
    }
    emit doc.layersChanged();
    emit doc.layerPixelsChanged(id, taken.canvasRect());
    return taken;
}

bool DocumentCommandAccess::moveLayer(Document& doc, int id, int newIndex) {
    auto& layers = doc.d->layers;
    const auto it = findLayer(layers, id);
    if (it == layers.end() || newIndex < 0 || newIndex >= static_cast<int>(layers.size()))
        return false;
    const int oldIndex = static_cast<int>(it - layers.begin());
    if (oldIndex == newIndex)
        return true;
    Layer moved = std::move(*it);
    layers.erase(it);
    layers.insert(layers.begin() + newIndex, std::move(moved));
    doc.d->composite.stackChanged(layers[newIndex].canvasRect());
    emit doc.layersChanged();
    emit doc.layerPixelsChanged(id, layers[newIndex].canvasRect());
    return true;
}

bool DocumentCommandAccess::setLayerName(Document& doc, int id, const QString& name) {
    const auto it = findLayer(doc.d->layers, id);
    if (it == doc.d->layers.end())
        return false;
    it->name = name;
    emit doc.layersChanged();
    return true;
}

bool DocumentCommandAccess::setLayerVisible(Document& doc, int id, bool visible) {
    const auto it = findLayer(doc.d->layers, id);
    if (it == doc.d->layers.end())
        return false;
    it->visible = visible;
    doc.d->composite.layerChanged(id, it->canvasRect());
    emit doc.layersChanged();
    emit doc.layerPixelsChanged(id, it->canvasRect());
    return true;
}

bool DocumentCommandAccess::setLayerOpacity(Document& doc, int id, qreal opacity) {
    const auto it = findLayer(doc.d->layers, id);
    if (it == doc.d->layers.end())
        return false;
    it->opacity = opacity;
    doc.d->composite.layerChanged(id, it->canvasRect());
    emit doc.layersChanged();
    emit doc.layerPixelsChanged(id, it->canvasRect());
    return true;
}

bool DocumentCommandAccess::replaceLayer(Document& doc, const Layer& layer) {
    const auto it = findLayer(doc.d->layers, layer.id);
    if (it == doc.d->layers.end())
        return false;
    const QRect dirty = it->canvasRect().united(layer.canvasRect());
    *it = layer;
    doc.d->composite.layerChanged(layer.id, dirty);
    emit doc.layersChanged();
    emit doc.layerPixelsChanged(layer.id, dirty);
    return true;
}

void DocumentCommandAccess::setActiveLayer(Document& doc, int id) {
    if (doc.d->activeLayerId == id)
        return;
    doc.d->activeLayerId = id;
    emit doc.activeLayerChanged(id);
}

void DocumentCommandAccess::writeMask(Document& doc, const QPoint& topLeft, const QImage& pixels) {
    QImage& mask = doc.d->mask;
    const QRect target = QRect(topLeft, pixels.size()).intersected(mask.rect());
    if (target.isEmpty())
        return;
    const QImage source = pixels.format() == QImage::Format_Grayscale8
                              ? pixels
                              : pixels.convertToFormat(QImage::Format_Grayscale8);
    const int dx = target.x() - topLeft.x();
    const int dy = target.y() - topLeft.y();
    for (int y = 0; y < target.height(); ++y) {
        std::memcpy(mask.scanLine(target.y() + y) + target.x(), source.constScanLine(dy + y) + dx,
                    static_cast<std::size_t>(target.width()));
    }
    emit doc.maskChanged(target);
}

bool DocumentCommandAccess::resizeCanvas(Document& doc, const QSize& size, const QPoint& shift) {
    if (size.isEmpty())
        return false;
    QImage mask(size, QImage::Format_Grayscale8);
    mask.fill(0);
    const QImage& old = doc.d->mask;
    const QRect kept = QRect(shift, old.size()).intersected(mask.rect());
    for (int y = kept.top(); y <= kept.bottom(); ++y)
        std::memcpy(mask.scanLine(y) + kept.x(),
                    old.constScanLine(y - shift.y()) + (kept.x() - shift.x()),
                    static_cast<std::size_t>(kept.width()));
    doc.d->mask = mask;
    doc.d->canvasSize = size;
    for (Layer& layer : doc.d->layers)
        layer.offset += shift;
    doc.d->composite.reset(size);
    emit doc.layersChanged();
    for (const Layer& layer : doc.d->layers)
        emit doc.layerPixelsChanged(layer.id, QRect(QPoint(0, 0), size));
    emit doc.maskChanged(QRect(QPoint(0, 0), size));
    return true;
}

void DocumentCommandAccess::bumpRevision(Document& doc) {
    ++doc.d->revision;
    emit doc.revisionChanged(doc.d->revision);
}

} // namespace limner::app
