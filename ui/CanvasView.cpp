#include "ui/CanvasView.h"

#include "app/Document.h"
#include "app/LayerComposite.h"
#include "ui/CanvasTool.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <utility>

namespace limner::ui {

namespace {

constexpr qreal kMinZoom = 1.0 / 64;
constexpr qreal kMaxZoom = 64.0;
constexpr qreal kZoomStep = 1.25;

QBrush makeCheckerBrush() {
    QImage tile(16, 16, QImage::Format_RGB32);
    tile.fill(QColor(204, 204, 204));
    QPainter p(&tile);
    p.fillRect(0, 0, 8, 8, QColor(153, 153, 153));
    p.fillRect(8, 8, 8, 8, QColor(153, 153, 153));
    return QBrush(tile);
}

} // namespace

CanvasView::CanvasView(app::Document& document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_checkerBrush(makeCheckerBrush()) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 150);
    connect(&m_document, &app::Document::documentReset, this, &CanvasView::onDocumentReset);
    connect(&m_document, &app::Document::layersChanged, this, &CanvasView::onLayersChanged);
    connect(&m_document, &app::Document::layerPixelsChanged, this, &CanvasView::onLayerPixelsChanged);
    connect(&m_document, &app::Document::maskChanged, this, &CanvasView::onMaskChanged);
    onDocumentReset();
}

CanvasView::~CanvasView() = default;

void CanvasView::setTool(CanvasTool* tool) {
    if (m_tool && m_tool->isActive())
        m_tool->cancel();
    updateToolOverlay();
    m_tool = tool;
    updateCursor();
    updateToolOverlay();
}

QRectF CanvasView::canvasToWidget(const QRectF& canvasRect) const {
    return QRectF(canvasToWidget(canvasRect.topLeft()), canvasRect.size() * m_zoom);
}

QRect CanvasView::widgetToCanvasRect(const QRect& widgetRect) const {
    const QRectF canvas(widgetToCanvas(widgetRect.topLeft()),
                        widgetToCanvas(widgetRect.bottomRight() + QPoint(1, 1)));
    return canvas.toAlignedRect().intersected(m_document.canvasRect());
}

int CanvasView::compositeLevel() const {
    // The coarsest level that still has at least one pixel per screen pixel.
    const int highest = app::LayerComposite::maxLevel(m_document.canvasSize());
    int level = 0;
    while (level < highest && m_zoom * app::LayerComposite::scaleOfLevel(level + 1) <= 1.0)
        ++level;
    return level;
}

void CanvasView::setPreview(const QImage& image, const QPoint& canvasOffset) {
    if (!m_preview.isNull())
        updateCanvasRect(QRect(m_previewOffset, m_preview.size()));
    m_preview = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    m_previewOffset = canvasOffset;
    updateCanvasRect(QRect(m_previewOffset, m_preview.size()));
}

void CanvasView::clearPreview() {
    if (m_preview.isNull())
        return;
    updateCanvasRect(QRect(m_previewOffset, m_preview.size()));
    m_preview = QImage();
}

void CanvasView::setMaskOverlayVisible(bool visible) {
    if (m_maskOverlayVisible == visible)
        return;
    m_maskOverlayVisible = visible;
    update();
}

void CanvasView::onDocumentReset() {
    if (m_tool && m_tool->isActive())
        m_tool->cancel();
    m_preview = QImage();
    m_fitPending = true;
    if (isVisible())
        zoomToFit();
    update();
}

void CanvasView::onLayersChanged() {
    // Changes that alter pixels also report layerPixelsChanged with their rectangle; a new
    // canvas size moves everything.
    if (m_document.canvasSize() != m_shownCanvasSize)
        update();
}

void CanvasView::onLayerPixelsChanged(int, const QRect& canvasRect) {
    updateCanvasRect(canvasRect);
}

void CanvasView::onMaskChanged(const QRect& canvasRect) {
    m_maskOverlay.invalidate(canvasRect);
    updateCanvasRect(canvasRect);
}

void CanvasView::updateCanvasRect(const QRect& canvasRect) {
    if (!canvasRect.isEmpty())
        update(canvasToWidget(QRectF(canvasRect)).toAlignedRect().adjusted(-2, -2, 2, 2));
}

void CanvasView::updateToolOverlay() {
    QRectF now;
    if (m_tool && (m_hovering || m_tool->isActive()))
        now = m_tool->overlayRect(*this, m_hoverCanvasPos);
    const QRectF dirty = m_lastOverlayRect.united(now);
    if (!dirty.isEmpty())
        update(dirty.toAlignedRect().adjusted(-2, -2, 2, 2));
    m_lastOverlayRect = now;
}

void CanvasView::zoomIn() {
    setZoom(m_zoom * kZoomStep, QPointF(width() / 2.0, height() / 2.0));
}

void CanvasView::zoomOut() {
    setZoom(m_zoom / kZoomStep, QPointF(width() / 2.0, height() / 2.0));
}

void CanvasView::setFitExtension(std::function<QRect()> extension) {
    m_fitExtension = std::move(extension);
}

QRect CanvasView::fitArea() const {
    const QRect canvas = m_document.canvasRect();
    const QRect extension = m_fitExtension ? m_fitExtension() : QRect();
    return extension.isEmpty() ? canvas : canvas.united(extension);
}

void CanvasView::zoomToFit() {
    const QRect area = fitArea();
    m_fitPending = false;
    if (area.isEmpty() || width() < 10 || height() < 10)
        return;
    const qreal margin = 24;
    const qreal z =
        std::min((width() - 2 * margin) / area.width(), (height() - 2 * margin) / area.height());
    m_zoom = std::clamp(z, kMinZoom, kMaxZoom);
    const QPointF areaCentre(area.x() + area.width() / 2.0, area.y() + area.height() / 2.0);
    m_origin = QPointF(width() / 2.0, height() / 2.0) - areaCentre * m_zoom;
    update();
    emit zoomChanged(m_zoom);
}

void CanvasView::zoomToActualSize() {
    setZoom(1.0, QPointF(width() / 2.0, height() / 2.0));
}

void CanvasView::setZoom(qreal zoom, const QPointF& widgetAnchor) {
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    if (qFuzzyCompare(zoom, m_zoom))
        return;
    // Keep the canvas point under the anchor where it is.
    const QPointF anchorCanvas = widgetToCanvas(widgetAnchor);
    m_zoom = zoom;
    m_origin = widgetAnchor - anchorCanvas * m_zoom;
    m_fitPending = false;
    update();
    emit zoomChanged(m_zoom);
}

void CanvasView::drawCanvasImage(QPainter& painter, const QImage& image, const QPoint& canvasOffset,
                                 const QRect& widgetClip, int scale) const {
    if (image.isNull())
        return;
    // Draw only the part of the image that lands inside the clip: the cost follows the
    // exposed area, not the image size, which keeps a huge canvas smooth.
    const QRectF clipCanvas(widgetToCanvas(widgetClip.topLeft()),
                            widgetToCanvas(widgetClip.bottomRight() + QPoint(1, 1)));
    const QRectF clipImage = clipCanvas.translated(-canvasOffset);
    QRectF source =
        QRectF(clipImage.topLeft() / scale, clipImage.size() / scale).intersected(QRectF(image.rect()));
    if (source.isEmpty())
        return;
    source = QRectF(QPointF(std::floor(source.left()), std::floor(source.top())),
                    QPointF(std::ceil(source.right()), std::ceil(source.bottom())))
                 .intersected(QRectF(image.rect()));
    const QRectF target =
        canvasToWidget(QRectF(source.topLeft() * scale + canvasOffset, source.size() * scale));
    painter.drawImage(target, image, source);
}

void CanvasView::drawComposite(QPainter& painter, const QRect& widgetClip) const {
    const int level = compositeLevel();
    const int scale = app::LayerComposite::scaleOfLevel(level);
    const QRect levelRect =
        app::LayerComposite::levelRect(m_document.canvasSize(), level, widgetToCanvasRect(widgetClip));
    if (levelRect.isEmpty())
        return;
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom * scale < 1.0);
    drawCanvasImage(painter, m_document.composite(level, levelRect), QPoint(0, 0), widgetClip, scale);
}

void CanvasView::drawMaskOverlay(QPainter& painter, const QRect& widgetClip) {
    // Only where the mask is set: an empty mask costs nothing to draw.
    const QRegion covered = m_maskOverlay.coverage(m_document.mask(), widgetToCanvasRect(widgetClip));
    if (covered.isEmpty())
        return;
    const int level = compositeLevel();
    const int scale = app::LayerComposite::scaleOfLevel(level);
    QRegion coveredWidget;
    for (const QRect& r : covered)
        coveredWidget |= canvasToWidget(QRectF(r)).toAlignedRect();
    const QRect clip = coveredWidget.boundingRect().intersected(widgetClip);
    const QRect levelRect =
        app::LayerComposite::levelRect(m_document.canvasSize(), level, widgetToCanvasRect(clip));
    if (levelRect.isEmpty())
        return;
    painter.save();
    painter.setClipRegion(coveredWidget, Qt::IntersectClip);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom * scale < 1.0);
    drawCanvasImage(painter, m_maskOverlay.image(m_document.mask(), level, levelRect), QPoint(0, 0),
                    clip, scale);
    painter.restore();
}

void CanvasView::drawPreviewPastCanvas(QPainter& painter, const QRectF& canvasWidget,
                                       const QRect& clip) const {
    if (m_preview.isNull())
        return;
    // An outpaint candidate reaches past the canvas it will grow: show that part too.
    const QRect previewWidget = canvasToWidget(QRectF(QRect(m_previewOffset, m_preview.size())))
                                    .toAlignedRect()
                                    .intersected(clip);
    const QRegion outside = QRegion(previewWidget).subtracted(QRegion(canvasWidget.toAlignedRect()));
    if (outside.isEmpty())
        return;
    painter.save();
    painter.setClipRegion(outside);
    painter.setBrushOrigin(canvasWidget.topLeft());
    painter.fillRect(previewWidget, m_checkerBrush);
    drawCanvasImage(painter, m_preview, m_previewOffset, previewWidget);
    painter.restore();
}

void CanvasView::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    const QRect clip = event->rect();
    painter.fillRect(clip, QColor(58, 58, 60));
    if (m_fitPending)
        zoomToFit();

    m_shownCanvasSize = m_document.canvasSize();
    const QRectF canvasWidget = canvasToWidget(QRectF(m_document.canvasRect()));
    const QRect visible = canvasWidget.toAlignedRect().intersected(clip);
    if (!visible.isEmpty()) {
        painter.save();
        painter.setClipRect(canvasWidget);
        painter.setBrushOrigin(canvasWidget.topLeft());
        painter.fillRect(visible, m_checkerBrush);
        drawComposite(painter, visible);
        if (!m_preview.isNull()) {
            painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0);
            drawCanvasImage(painter, m_preview, m_previewOffset, visible);
        } else if (m_maskOverlayVisible) {
            drawMaskOverlay(painter, visible);
        }
        painter.restore();
        painter.setPen(QColor(20, 20, 20));
        painter.drawRect(canvasWidget.adjusted(-0.5, -0.5, 0.5, 0.5));
    }
    drawPreviewPastCanvas(painter, canvasWidget, clip);
    if (m_tool && (m_hovering || m_tool->isActive() || m_tool->overlayAlwaysVisible()) && !m_panning)
        m_tool->paintOverlay(painter, *this, m_hoverCanvasPos);
}

void CanvasView::resizeEvent(QResizeEvent*) {
    if (m_fitPending)
        zoomToFit();
}

bool CanvasView::isPanGesture(const QMouseEvent* event) const {
    return event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld);
}

void CanvasView::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    if (isPanGesture(event)) {
        m_panning = true;
        m_panStart = event->position();
        m_originAtPanStart = m_origin;
        updateCursor();
        return;
    }
    if (event->button() == Qt::LeftButton && m_tool) {
        m_hoverCanvasPos = widgetToCanvas(event->position());
        m_tool->press(m_hoverCanvasPos, event->modifiers());
        updateToolOverlay();
    }
}

void CanvasView::mouseMoveEvent(QMouseEvent* event) {
    if (m_panning) {
        m_origin = m_originAtPanStart + (event->position() - m_panStart);
        update();
        return;
    }
    m_hovering = true;
    m_hoverCanvasPos = widgetToCanvas(event->position());
    if (m_tool && m_tool->isActive())
        m_tool->move(m_hoverCanvasPos, event->modifiers());
    updateToolOverlay();
    emit cursorMoved(m_hoverCanvasPos.toPoint());
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event) {
    if (m_panning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panning = false;
        updateCursor();
        return;
    }
    if (event->button() == Qt::LeftButton && m_tool && m_tool->isActive()) {
        m_hoverCanvasPos = widgetToCanvas(event->position());
        m_tool->release(m_hoverCanvasPos, event->modifiers());
        updateToolOverlay();
    }
}

void CanvasView::wheelEvent(QWheelEvent* event) {
    const int delta = event->angleDelta().y();
    if (delta == 0)
        return;
    if (event->modifiers() & Qt::ShiftModifier) { // Shift+wheel pans sideways, as in Krita
        m_origin.rx() += delta / 2.0;
        update();
        return;
    }
    setZoom(m_zoom * std::pow(kZoomStep, delta / 120.0), event->position());
    m_hoverCanvasPos = widgetToCanvas(event->position());
    event->accept();
}

void CanvasView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        updateCursor();
        return;
    }
    if (event->key() == Qt::Key_Escape && m_tool && m_tool->isActive()) {
        m_tool->cancel();
        updateToolOverlay();
        return;
    }
    QWidget::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        updateCursor();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void CanvasView::leaveEvent(QEvent*) {
    m_hovering = false;
    updateToolOverlay();
}

void CanvasView::focusOutEvent(QFocusEvent*) {
    m_spaceHeld = false;
    updateCursor();
}

void CanvasView::updateCursor() {
    if (m_panning)
        setCursor(Qt::ClosedHandCursor);
    else if (m_spaceHeld)
        setCursor(Qt::OpenHandCursor);
    else if (m_tool)
        setCursor(m_tool->cursor());
    else
        setCursor(Qt::ArrowCursor);
}

} // namespace limner::ui
