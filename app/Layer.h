#pragma once

#include "app/GenerationInfo.h"

#include <QImage>
#include <QPoint>
#include <QRect>
#include <QString>

namespace limner::app {

// One raster layer. Pixels are QImage::Format_ARGB32_Premultiplied; offset places the layer's
// top-left corner on the canvas. Layers are referred to by their stable id, never by pointer or
// index, so undo commands stay valid while the stack changes.
struct Layer {
    int id = -1;
    QString name;
    QImage pixels;
    QPoint offset;
    bool visible = true;
    qreal opacity = 1.0;
    GenerationInfo generation; // empty (isValid() false) for painted or opened layers

    QRect canvasRect() const { return QRect(offset, pixels.size()); }
};

} // namespace limner::app
