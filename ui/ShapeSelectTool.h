#pragma once

#include "ui/CanvasTool.h"

#include <QPainterPath>
#include <QPolygonF>

namespace limner::app {
class Document;
}

namespace limner::ui {

// Rectangle and lasso selection that add to or subtract from the mask. Alt held at press
// flips the mode for that gesture. Each gesture is one undo step.
class ShapeSelectTool : public CanvasTool {
public:
    enum class Shape { Rectangle, Lasso };

    ShapeSelectTool(app::Document& document, Shape shape);

    Shape shape() const { return m_shape; }
    void setSubtract(bool subtract) { m_subtract = subtract; }
    bool subtract() const { return m_subtract; }

    void press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void move(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void cancel() override;
    bool isActive() const override { return m_active; }
    void paintOverlay(QPainter& painter, const CanvasView& view,
                      const QPointF& hoverCanvasPos) const override;
    QRectF overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const override;

private:
    QPainterPath currentPath() const;

    app::Document& m_document;
    Shape m_shape;
    bool m_subtract = false;
    bool m_gestureSubtracts = false;
    bool m_active = false;
    QPolygonF m_points;
};

} // namespace limner::ui
