#include "ui/ShapeSelectTool.h"

#include "app/Document.h"
#include "ui/CanvasView.h"
#include "ui/MaskShape.h"

#include <QLineF>
#include <QPainter>

namespace limner::ui {

ShapeSelectTool::ShapeSelectTool(app::Document& document, Shape shape)
    : m_document(document)
    , m_shape(shape) {}

void ShapeSelectTool::press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) {
    if (m_document.canvasSize().isEmpty())
        return;
    m_active = true;
    m_gestureSubtracts = m_subtract != bool(modifiers & Qt::AltModifier);
    m_points = {canvasPos, canvasPos};
}

void ShapeSelectTool::move(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (!m_active)
        return;
    if (m_shape == Shape::Rectangle)
        m_points.last() = canvasPos;
    else if (QLineF(m_points.last(), canvasPos).length() >= 1.0)
        m_points.append(canvasPos);
}

void ShapeSelectTool::release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) {
    if (!m_active)
        return;
    move(canvasPos, modifiers);
    m_active = false;
    const QPainterPath path = currentPath();
    if (path.boundingRect().width() < 1 || path.boundingRect().height() < 1)
        return;
    const QString text =
        m_shape == Shape::Rectangle
            ? (m_gestureSubtracts ? QObject::tr("Subtract rectangle") : QObject::tr("Add rectangle"))
            : (m_gestureSubtracts ? QObject::tr("Subtract lasso") : QObject::tr("Add lasso"));
    m_document.setMaskRegion(maskWithShape(m_document.mask(), path, m_gestureSubtracts), text);
}

void ShapeSelectTool::cancel() {
    m_active = false;
    m_points.clear();
}

QPainterPath ShapeSelectTool::currentPath() const {
    QPainterPath path;
    if (m_points.size() < 2)
        return path;
    if (m_shape == Shape::Rectangle)
        path.addRect(QRectF(m_points.first(), m_points.last()).normalized());
    else
        path.addPolygon(m_points);
    path.closeSubpath();
    return path;
}

void ShapeSelectTool::paintOverlay(QPainter& painter, const CanvasView& view, const QPointF&) const {
    if (!m_active)
        return;
    QPolygonF widgetPoints;
    for (const QPointF& p : currentPath().toFillPolygon())
        widgetPoints << view.canvasToWidget(p);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(m_gestureSubtracts ? QColor(40, 40, 40, 60) : QColor(255, 80, 60, 50));
    painter.setPen(QPen(Qt::black, 1));
    painter.drawPolygon(widgetPoints);
    painter.setPen(QPen(Qt::white, 1, Qt::DashLine));
    painter.drawPolygon(widgetPoints);
}

QRectF ShapeSelectTool::overlayRect(const CanvasView& view, const QPointF&) const {
    if (!m_active)
        return {};
    const QRectF box = currentPath().boundingRect();
    return QRectF(view.canvasToWidget(box.topLeft()), view.canvasToWidget(box.bottomRight()))
        .adjusted(-2, -2, 2, 2);
}

} // namespace limner::ui
