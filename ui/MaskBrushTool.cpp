#include "ui/MaskBrushTool.h"

#include "app/Document.h"
#include "ui/CanvasView.h"

#include <QLineF>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace limner::ui {

MaskBrushTool::MaskBrushTool(app::Document& document, Mode mode)
    : m_document(document)
    , m_mode(mode) {}

void MaskBrushTool::setDiameter(int px) {
    m_diameter = std::clamp(px, 1, 2000);
}

void MaskBrushTool::setHardness(qreal hardness) {
    m_hardness = std::clamp(hardness, 0.0, 1.0);
}

void MaskBrushTool::press(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (m_document.canvasSize().isEmpty())
        return;
    m_document.beginMaskStroke();
    m_active = true;
    m_last = canvasPos;
    m_carry = 0;
    m_document.notifyMaskPainted(stamp(canvasPos));
}

void MaskBrushTool::move(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (!m_active)
        return;
    stampSegment(m_last, canvasPos);
    m_last = canvasPos;
}

void MaskBrushTool::release(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (!m_active)
        return;
    stampSegment(m_last, canvasPos);
    m_active = false;
    m_document.endMaskStroke(m_mode == Mode::Paint ? QObject::tr("Paint mask")
                                                   : QObject::tr("Erase mask"));
}

void MaskBrushTool::cancel() {
    if (!m_active)
        return;
    m_active = false;
    m_document.cancelMaskStroke();
}

void MaskBrushTool::stampSegment(const QPointF& from, const QPointF& to) {
    // Stamps a quarter of the diameter apart: dense enough that a soft brush shows no beads.
    const qreal spacing = std::max(1.0, m_diameter * 0.25);
    const qreal length = QLineF(from, to).length();
    QRect dirty;
    qreal t = spacing - m_carry;
    while (t <= length) {
        dirty |= stamp(from + (to - from) * (t / std::max(length, 1e-9)));
        t += spacing;
    }
    m_carry = length - (t - spacing);
    if (!dirty.isEmpty())
        m_document.notifyMaskPainted(dirty);
}

QRect MaskBrushTool::stamp(const QPointF& centre) {
    QImage& mask = m_document.maskForLiveStroke();
    const qreal radius = m_diameter / 2.0;
    const QRect box =
        QRect(QPoint(int(std::floor(centre.x() - radius)), int(std::floor(centre.y() - radius))),
              QPoint(int(std::ceil(centre.x() + radius)), int(std::ceil(centre.y() + radius))))
            .intersected(mask.rect());
    if (box.isEmpty())
        return {};
    // Full strength inside hardness × radius, then a smooth fall-off to zero at the radius.
    const qreal solid = radius * m_hardness;
    const qreal ramp = std::max(radius - solid, 0.5);
    for (int y = box.top(); y <= box.bottom(); ++y) {
        uchar* line = mask.scanLine(y);
        const qreal dy = y + 0.5 - centre.y();
        for (int x = box.left(); x <= box.right(); ++x) {
            const qreal dx = x + 0.5 - centre.x();
            const qreal d = std::sqrt(dx * dx + dy * dy);
            if (d >= radius)
                continue;
            qreal a = d <= solid ? 1.0 : 1.0 - (d - solid) / ramp;
            a = a * a * (3 - 2 * a); // smoothstep
            const int v = int(std::lround(a * 255));
            if (m_mode == Mode::Paint)
                line[x] = uchar(std::max<int>(line[x], v));
            else
                line[x] = uchar(std::min<int>(line[x], 255 - v));
        }
    }
    return box;
}

void MaskBrushTool::paintOverlay(QPainter& painter, const CanvasView& view,
                                 const QPointF& hoverCanvasPos) const {
    const QPointF c = view.canvasToWidget(hoverCanvasPos);
    const qreal r = m_diameter / 2.0 * view.zoom();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
    painter.drawEllipse(c, r, r);
    painter.setPen(QPen(m_mode == Mode::Paint ? QColor(255, 255, 255) : QColor(255, 200, 120), 1));
    painter.drawEllipse(c, r, r);
    if (m_hardness < 1.0) {
        const qreal inner = r * m_hardness;
        painter.setPen(QPen(QColor(255, 255, 255, 120), 1, Qt::DotLine));
        painter.drawEllipse(c, inner, inner);
    }
}

QRectF MaskBrushTool::overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const {
    const QPointF c = view.canvasToWidget(hoverCanvasPos);
    const qreal r = m_diameter / 2.0 * view.zoom() + 3;
    return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r);
}

} // namespace limner::ui
