#pragma once

#include "ui/CanvasTool.h"

#include <QRect>

namespace limner::app {
class Document;
}

namespace limner::ui {

// Paints the inpainting mask (brush) or removes it (eraser) with round, soft-edged stamps.
// A stroke from press to release is one undo step.
class MaskBrushTool : public CanvasTool {
public:
    enum class Mode { Paint, Erase };

    MaskBrushTool(app::Document& document, Mode mode);

    Mode mode() const { return m_mode; }
    void setDiameter(int px);
    int diameter() const { return m_diameter; }
    void setHardness(qreal hardness); // 0 = soft edge over the whole radius, 1 = hard edge
    qreal hardness() const { return m_hardness; }

    void press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void move(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void cancel() override;
    bool isActive() const override { return m_active; }
    void paintOverlay(QPainter& painter, const CanvasView& view,
                      const QPointF& hoverCanvasPos) const override;
    QRectF overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const override;

private:
    void stampSegment(const QPointF& from, const QPointF& to);
    QRect stamp(const QPointF& centre);

    app::Document& m_document;
    Mode m_mode;
    int m_diameter = 48;
    qreal m_hardness = 0.8;
    bool m_active = false;
    QPointF m_last;
    qreal m_carry = 0; // distance walked since the last stamp, so spacing is even across events
};

} // namespace limner::ui
