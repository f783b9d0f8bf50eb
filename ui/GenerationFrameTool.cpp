#include "ui/GenerationFrameTool.h"

#include "app/Document.h"
#include "ui/CanvasView.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <cmath>

namespace limner::ui {

namespace {

constexpr qreal kHandleWidgetPx = 10.0;

} // namespace

GenerationFrameTool::GenerationFrameTool(app::Document& document)
    : m_document(document) {}

void GenerationFrameTool::setNativeSize(const QSize& size) {
    if (size == m_native)
        return;
    m_native = size;
    if (!m_frame.isEmpty()) {
        const QPoint centre = m_frame.center();
        QRect resized(QPoint(0, 0), defaultSize());
        resized.moveCenter(centre);
        update(resized);
    }
}

QSize GenerationFrameTool::defaultSize() const {
    return m_native.isEmpty() ? QSize(512, 512) : m_native;
}

void GenerationFrameTool::setFrame(const QRect& frame) {
    update(frame.normalized());
}

void GenerationFrameTool::ensureFrame() {
    const QRect canvas = m_document.canvasRect();
    if (canvas.isEmpty() || (!m_frame.isEmpty() && m_frame.intersects(canvas)))
        return;
    const QSize size = defaultSize();
    // Half over the picture, half past its right edge: the usual first outpaint.
    QRect frame(QPoint(0, 0), size);
    frame.moveLeft(canvas.right() + 1 - size.width() / 2);
    frame.moveTop(canvas.center().y() - size.height() / 2);
    update(frame);
}

QSize GenerationFrameTool::snappedSize(qreal width, qreal height) const {
    const int k = snap();
    if (m_native.isEmpty()) {
        const int w = std::max(k, int(std::lround(std::abs(width) / k)) * k);
        const int h = std::max(k, int(std::lround(std::abs(height) / k)) * k);
        return {w, h};
    }
    // The aspect is the model's: the longer drag decides the scale.
    const qreal aspect = qreal(m_native.width()) / m_native.height();
    const qreal scale =
        std::max(std::abs(width) / m_native.width(), std::abs(height) / m_native.height());
    int h = std::max(k, int(std::lround(m_native.height() * scale / k)) * k);
    int w = std::max(k, int(std::lround(h * aspect / k)) * k);
    return {w, h};
}

QRect GenerationFrameTool::snappedToCanvas(const QRect& frame) const {
    // An edge a few screen pixels from the canvas's edge lands on it: a frame that pokes one
    // pixel past the top would grow the canvas by a useless one-pixel strip.
    const qreal reach = kHandleWidgetPx / std::max<qreal>(0.01, m_zoomHint);
    const QRect canvas = m_document.canvasRect();
    const auto nearest = [reach](int edge, std::initializer_list<int> targets) {
        int best = 0;
        qreal bestDistance = reach + 1;
        for (int t : targets) {
            if (std::abs(t - edge) <= reach && std::abs(t - edge) < bestDistance) {
                bestDistance = std::abs(t - edge);
                best = t - edge;
            }
        }
        return best;
    };
    const int edgesX[] = {canvas.left(), canvas.right() + 1};
    const int edgesY[] = {canvas.top(), canvas.bottom() + 1};
    int dx = nearest(frame.left(), {edgesX[0], edgesX[1]});
    if (dx == 0)
        dx = nearest(frame.right() + 1, {edgesX[0], edgesX[1]});
    int dy = nearest(frame.top(), {edgesY[0], edgesY[1]});
    if (dy == 0)
        dy = nearest(frame.bottom() + 1, {edgesY[0], edgesY[1]});
    return frame.translated(dx, dy);
}

void GenerationFrameTool::press(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (m_document.canvasSize().isEmpty())
        return;
    ensureFrame();
    m_beforeGesture = m_frame;
    m_pressPos = canvasPos;
    m_pressFrame = m_frame;
    // A corner within a few screen pixels starts a resize; the opposite corner stays.
    const QPointF corners[4] = {m_frame.topLeft(), QPointF(m_frame.right() + 1, m_frame.top()),
                                QPointF(m_frame.left(), m_frame.bottom() + 1),
                                QPointF(m_frame.right() + 1, m_frame.bottom() + 1)};
    const qreal reach = kHandleWidgetPx / std::max<qreal>(0.01, m_zoomHint);
    for (int i = 0; i < 4; ++i) {
        if (std::abs(canvasPos.x() - corners[i].x()) <= reach &&
            std::abs(canvasPos.y() - corners[i].y()) <= reach) {
            m_anchor = corners[3 - i].toPoint();
            m_mode = Mode::Resizing;
            return;
        }
    }
    if (!m_frame.contains(canvasPos.toPoint())) {
        QRect centred = m_frame;
        centred.moveCenter(canvasPos.toPoint());
        update(centred);
        m_pressFrame = m_frame;
    }
    m_mode = Mode::Moving;
}

void GenerationFrameTool::move(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (m_mode == Mode::Moving) {
        const QPointF delta = canvasPos - m_pressPos;
        update(snappedToCanvas(m_pressFrame.translated(delta.toPoint())));
    } else if (m_mode == Mode::Resizing) {
        const QSize size = snappedSize(canvasPos.x() - m_anchor.x(), canvasPos.y() - m_anchor.y());
        const int x = canvasPos.x() < m_anchor.x() ? m_anchor.x() - size.width() : m_anchor.x();
        const int y = canvasPos.y() < m_anchor.y() ? m_anchor.y() - size.height() : m_anchor.y();
        update(QRect(QPoint(x, y), size));
    }
}

void GenerationFrameTool::release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) {
    move(canvasPos, modifiers);
    m_mode = Mode::Idle;
}

void GenerationFrameTool::cancel() {
    if (m_mode != Mode::Idle)
        update(m_beforeGesture);
    m_mode = Mode::Idle;
}

void GenerationFrameTool::update(const QRect& frame) {
    if (frame == m_frame)
        return;
    m_frame = frame;
    if (frameChanged)
        frameChanged(m_frame);
}

void GenerationFrameTool::paintOverlay(QPainter& painter, const CanvasView& view,
                                       const QPointF&) const {
    m_zoomHint = view.zoom();
    if (m_frame.isEmpty())
        return;
    const QRectF frame = view.canvasToWidget(QRectF(m_frame));
    const QRectF canvas = view.canvasToWidget(QRectF(m_document.canvasRect()));
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    // The part of the frame past the canvas is what generating will add: tinted.
    QPainterPath outside;
    outside.addRect(frame);
    QPainterPath inside;
    inside.addRect(canvas);
    painter.fillPath(outside.subtracted(inside), QColor(90, 160, 255, 60));
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(20, 20, 20), 3));
    painter.drawRect(frame);
    painter.setPen(QPen(QColor(120, 190, 255), 1.5, Qt::DashLine));
    painter.drawRect(frame);
    painter.setPen(QPen(Qt::white, 1));
    painter.setBrush(QColor(60, 130, 230));
    for (const QPointF& c :
         {frame.topLeft(), frame.topRight(), frame.bottomLeft(), frame.bottomRight()})
        painter.drawRect(QRectF(c - QPointF(4, 4), QSizeF(8, 8)));
    const QString label = QStringLiteral("%1×%2").arg(m_frame.width()).arg(m_frame.height());
    painter.setPen(Qt::white);
    painter.drawText(frame.adjusted(6, 4, -6, -4), Qt::AlignLeft | Qt::AlignTop, label);
    painter.restore();
}

QRectF GenerationFrameTool::overlayRect(const CanvasView& view, const QPointF&) const {
    if (m_frame.isEmpty())
        return {};
    return view.canvasToWidget(QRectF(m_frame)).adjusted(-8, -8, 8, 8);
}

QIcon GenerationFrameTool::icon() {
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(200, 200, 205), 3));
    p.setBrush(QColor(200, 200, 205, 50));
    p.drawRect(QRectF(6, 14, 34, 36)); // the picture
    p.setPen(QPen(QColor(110, 180, 255), 4, Qt::DashLine));
    p.setBrush(QColor(110, 180, 255, 70));
    p.drawRect(QRectF(24, 8, 34, 34)); // the frame reaching past it
    return QIcon(pixmap);
}

} // namespace limner::ui
