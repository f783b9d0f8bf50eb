#pragma once

#include "ui/MaskOverlay.h"

#include <QBrush>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QWidget>
#include <functional>

namespace limner::app {
class Document;
}

namespace limner::ui {

class CanvasTool;

// Shows the document's flattened layers over a checkerboard, the mask as a translucent red
// overlay, and an optional preview image (a candidate, or a job's progress preview). Zoom with
// the wheel, pan with space-drag or the middle button; other pointer input goes to the tool.
//
// The layers come from the document's kept composite (Document::composite), at the level of
// detail that suits the zoom: full size from 50 % up, box-filtered below, so a zoomed-out view
// of a huge picture blends few pixels. They are composited when painted, and only where they
// changed. The mask overlay follows the same levels (MaskOverlay).
//
// Requirements: GUI thread only; the document outlives the view.
// Guarantees: repaints only what changed: a mask or layer change repaints its rectangle.
class CanvasView : public QWidget {
    Q_OBJECT
public:
    explicit CanvasView(app::Document& document, QWidget* parent = nullptr);
    ~CanvasView() override;

    void setTool(CanvasTool* tool);         // not owned; nullptr = none
    void forgetTool() { m_tool = nullptr; } // for owners that are being destroyed: no repaint
    CanvasTool* tool() const { return m_tool; }

    qreal zoom() const { return m_zoom; }
    QPointF canvasToWidget(const QPointF& canvasPos) const { return m_origin + canvasPos * m_zoom; }
    QPointF widgetToCanvas(const QPointF& widgetPos) const { return (widgetPos - m_origin) / m_zoom; }
    QRectF canvasToWidget(const QRectF& canvasRect) const;
    // The canvas pixels that a widget rectangle shows (rounded outwards, within the canvas).
    QRect widgetToCanvasRect(const QRect& widgetRect) const;
    // The level of detail of the composite that the view draws at its zoom (LayerComposite).
    int compositeLevel() const;

    // The preview is drawn over the layers at canvasOffset and hides the mask overlay.
    void setPreview(const QImage& image, const QPoint& canvasOffset);
    void clearPreview();
    bool hasPreview() const { return !m_preview.isNull(); }

    void setMaskOverlayVisible(bool visible);
    bool maskOverlayVisible() const { return m_maskOverlayVisible; }

    // What "zoom to fit" shows besides the canvas, in canvas coordinates: the generation frame
    // where it reaches past the canvas, so the whole frame is in sight. Asked at every fit; an
    // empty rectangle (or no provider) fits the canvas alone.
    void setFitExtension(std::function<QRect()> extension);
    // The canvas united with the fit extension: the area zoomToFit() shows whole, centred.
    QRect fitArea() const;

    QSize sizeHint() const override { return {900, 700}; }

public slots:
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomToActualSize();
    void setZoom(qreal zoom, const QPointF& widgetAnchor);

signals:
    void zoomChanged(qreal zoom);
    void cursorMoved(const QPoint& canvasPos);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    void onDocumentReset();
    void onLayersChanged();
    void onLayerPixelsChanged(int layerId, const QRect& canvasRect);
    void onMaskChanged(const QRect& canvasRect);
    void updateCanvasRect(const QRect& canvasRect);
    void updateToolOverlay();
    // Draws the part of image (one pixel per scale × scale canvas pixels, its top-left corner at
    // canvasOffset) that lands inside widgetClip.
    void drawCanvasImage(QPainter& painter, const QImage& image, const QPoint& canvasOffset,
                         const QRect& widgetClip, int scale = 1) const;
    void drawComposite(QPainter& painter, const QRect& widgetClip) const;
    void drawMaskOverlay(QPainter& painter, const QRect& widgetClip);
    void drawPreviewPastCanvas(QPainter& painter, const QRectF& canvasWidget, const QRect& clip) const;
    bool isPanGesture(const QMouseEvent* event) const;
    void updateCursor();

    app::Document& m_document;
    CanvasTool* m_tool = nullptr;
    MaskOverlay m_maskOverlay;
    QSize m_shownCanvasSize; // the canvas size at the last paint
    QImage m_preview;
    QPoint m_previewOffset;
    bool m_maskOverlayVisible = true;
    QBrush m_checkerBrush;

    qreal m_zoom = 1.0;
    QPointF m_origin; // widget position of the canvas's top-left corner
    bool m_fitPending = true;
    std::function<QRect()> m_fitExtension;

    bool m_spaceHeld = false;
    bool m_panning = false;
    QPointF m_panStart;
    QPointF m_originAtPanStart;
    bool m_hovering = false;
    QPointF m_hoverCanvasPos;
    QRectF m_lastOverlayRect;
};

} // namespace limner::ui
