#pragma once

#include <QImage>

class QPainterPath;

namespace limner::ui {

// Returns mask (Grayscale8) with the anti-aliased shape added (255 inside) or subtracted.
QImage maskWithShape(const QImage& mask, const QPainterPath& canvasPath, bool subtract);

} // namespace limner::ui
