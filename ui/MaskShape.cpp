#include "ui/MaskShape.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace limner::ui {

QImage maskWithShape(const QImage& mask, const QPainterPath& canvasPath, bool subtract) {
    QImage result = mask;
    const QRect box =
        canvasPath.boundingRect().toAlignedRect().adjusted(-1, -1, 1, 1).intersected(mask.rect());
    if (box.isEmpty())
        return result;
    // Rasterise only the shape's bounding box; its alpha is the shape's coverage.
    QImage shape(box.size(), QImage::Format_Alpha8);
    shape.fill(0);
    {
        QPainter p(&shape);
        p.setRenderHint(QPainter::Antialiasing);
        p.translate(-box.topLeft());
        p.fillPath(canvasPath, Qt::black);
    }
    for (int y = 0; y < box.height(); ++y) {
        const uchar* s = shape.constScanLine(y);
        uchar* m = result.scanLine(y + box.top()) + box.left();
        for (int x = 0; x < box.width(); ++x)
            m[x] = subtract ? uchar(std::min<int>(m[x], 255 - s[x])) : uchar(std::max<int>(m[x], s[x]));
    }
    return result;
}

} // namespace limner::ui
