#include "ui/RegionPickTool.h"

#include "ui/CanvasView.h"

#include <QPainter>

namespace limner::ui {

RegionPickTool::RegionPickTool(QObject* parent)
    : QObject(parent) {}

void RegionPickTool::press(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    m_dragging = true;
    m_from = m_to = canvasPos;
}

void RegionPickTool::move(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (m_dragging)
        m_to = canvasPos;
}

void RegionPickTool::release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) {
    if (!m_dragging)
        return;
    move(canvasPos, modifiers);
    m_dragging = false;
    const QRect rect = dragged().toAlignedRect().intersected(QRect(QPoint(0, 0), m_canvasSize));
    if (rect.width() < 8 || rect.height() < 8)
        emit abandoned();
    else
        emit picked(rect);
}

void RegionPickTool::cancel() {
    const bool was = m_dragging;
    m_dragging = false;
    if (was)
        emit abandoned();
}

void RegionPickTool::paintOverlay(QPainter& painter, const CanvasView& view, const QPointF&) const {
    if (!m_dragging)
        return;
    const QRectF box(view.canvasToWidget(dragged().topLeft()),
                     view.canvasToWidget(dragged().bottomRight()));
    painter.setBrush(QColor(60, 160, 255, 50));
    painter.setPen(QPen(QColor(20, 90, 200), 2));
    painter.drawRect(box);
}

QRectF RegionPickTool::overlayRect(const CanvasView& view, const QPointF&) const {
    if (!m_dragging)
        return {};
    return QRectF(view.canvasToWidget(dragged().topLeft()),
                  view.canvasToWidget(dragged().bottomRight()))
        .adjusted(-3, -3, 3, 3);
}

} // namespace limner::ui
