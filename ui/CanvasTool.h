#pragma once

#include <QCursor>
#include <QPointF>
#include <QRectF>
#include <Qt>

class QPainter;

namespace limner::ui {

class CanvasView;

// A tool that the canvas forwards pointer events to, in canvas coordinates (image pixels).
// The canvas owns panning and zooming; a tool never sees those gestures.
class CanvasTool {
public:
    virtual ~CanvasTool() = default;

    virtual void press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) = 0;
    virtual void move(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) = 0;
    virtual void release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) = 0;
    // Abandons a gesture in progress (Esc, focus loss, document reset) without an undo step.
    virtual void cancel() {}
    virtual bool isActive() const = 0;

    // Draws the tool's feedback (brush outline, rubber band) in widget coordinates.
    virtual void paintOverlay(QPainter& painter, const CanvasView& view,
                              const QPointF& hoverCanvasPos) const = 0;
    // The widget area paintOverlay() draws into, so the canvas repaints only that.
    virtual QRectF overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const = 0;
    virtual QCursor cursor() const { return Qt::CrossCursor; }
    // True for tools whose overlay is part of the picture's state (the generation frame): drawn
    // even when the pointer is elsewhere.
    virtual bool overlayAlwaysVisible() const { return false; }
};

} // namespace limner::ui
