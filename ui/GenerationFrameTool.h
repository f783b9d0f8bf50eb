#pragma once

#include "engine/imaging/CandidateBlend.h"
#include "engine/imaging/OutpaintSeed.h"
#include "ui/CanvasTool.h"

#include <QIcon>
#include <QRect>
#include <QSize>
#include <functional>

namespace limner::app {
class Document;
}

namespace limner::ui {

// The generation frame: a rectangle with the model's native aspect and size that the user moves
// and resizes over the canvas and past its edges. Generating with it (GenerationController)
// grows the canvas to include it, masks the new area and uses the frame as the crop.
//
// Drag inside the frame to move it (its edges snap to the canvas's edges), drag a corner to
// resize it (the aspect stays the model's, the sides snap to multiples of 64 canvas pixels),
// click elsewhere to centre it there.
class GenerationFrameTool : public CanvasTool {
public:
    explicit GenerationFrameTool(app::Document& document);

    // The model's working size: the frame's aspect and default size; empty = any size (then
    // 512×512 is the default and the aspect is free).
    void setNativeSize(const QSize& size);
    QSize nativeSize() const { return m_native; }

    QRect frame() const { return m_frame; }
    void setFrame(const QRect& frame); // canvas coordinates; may reach past the canvas
    // Places a native-sized frame straddling the canvas's right edge when there is none yet,
    // or when the canvas changed so that the frame no longer touches it.
    void ensureFrame();
    std::function<void(const QRect&)> frameChanged;

    void press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void move(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void cancel() override;
    bool isActive() const override { return m_mode != Mode::Idle; }
    bool overlayAlwaysVisible() const override { return true; }
    void paintOverlay(QPainter& painter, const CanvasView& view,
                      const QPointF& hoverCanvasPos) const override;
    QRectF overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const override;
    QCursor cursor() const override { return Qt::SizeAllCursor; }

    // How an outpaint with this frame seeds the new area and blends (the tool's options bar).
    engine::imaging::SeedMethod seedMethod = engine::imaging::SeedMethod::EdgeExtend;
    engine::imaging::ColorMatchMode colorMatch = engine::imaging::ColorMatchMode::Statistics;
    bool poisson = false;

    static QIcon icon();
    static constexpr int snap() { return 64; }

private:
    enum class Mode { Idle, Moving, Resizing };

    QSize defaultSize() const;
    QSize snappedSize(qreal width, qreal height) const;
    QRect snappedToCanvas(const QRect& frame) const;
    void update(const QRect& frame);

    app::Document& m_document;
    QSize m_native;
    QRect m_frame;
    Mode m_mode = Mode::Idle;
    QPointF m_pressPos;
    QRect m_pressFrame;
    QPoint m_anchor; // the corner that stays put while resizing
    QRect m_beforeGesture;
    mutable qreal m_zoomHint = 1.0; // the view's zoom at the last paint: handle reach in canvas px
};

} // namespace limner::ui
