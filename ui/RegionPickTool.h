#pragma once

#include "ui/CanvasTool.h"

#include <QObject>
#include <QRect>

namespace limner::ui {

// A one-shot tool: the user drags a rectangle on the canvas and picked() says where (clipped to
// the canvas). Used to take part of the picture as an image prompt ("fill like this").
class RegionPickTool : public QObject, public CanvasTool {
    Q_OBJECT
public:
    explicit RegionPickTool(QObject* parent = nullptr);

    void setCanvasSize(const QSize& size) { m_canvasSize = size; }

    void press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void move(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void cancel() override;
    bool isActive() const override { return m_dragging; }
    void paintOverlay(QPainter& painter, const CanvasView& view,
                      const QPointF& hoverCanvasPos) const override;
    QRectF overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const override;

signals:
    void picked(const QRect& canvasRect); // at least 8×8 px
    void abandoned();                     // too small a rectangle, or Esc

private:
    QRectF dragged() const { return QRectF(m_from, m_to).normalized(); }

    QSize m_canvasSize;
    bool m_dragging = false;
    QPointF m_from;
    QPointF m_to;
};

} // namespace limner::ui
