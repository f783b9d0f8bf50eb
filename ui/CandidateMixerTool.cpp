#include "ui/CandidateMixerTool.h"

#include "app/CandidateMixer.h"
#include "app/Document.h"
#include "app/StagingEntry.h"
#include "ui/CanvasView.h"

#include <QLineF>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace limner::ui {

CandidateMixerTool::CandidateMixerTool(app::Document& document, QObject* parent)
    : QObject(parent)
    , m_document(document) {}

int CandidateMixerTool::candidateCount() const {
    const app::StagingEntry* entry = app::mixableEntry(m_document, m_document.activeLayerId());
    return entry ? entry->count() : 0;
}

void CandidateMixerTool::press(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    const int layerId = m_document.activeLayerId();
    if (!app::mixableEntry(m_document, layerId)) {
        emit finished(false, tr("The candidate mixer paints into a layer accepted from a job whose "
                                "candidates are still staged; select such a layer."));
        return;
    }
    const app::Layer* layer = m_document.layerById(layerId);
    m_layerId = layerId;
    m_layerOffset = layer->offset;
    m_weights = QImage(layer->pixels.size(), QImage::Format_Grayscale8);
    m_weights.fill(0);
    m_last = canvasPos;
    dab(canvasPos);
}

void CandidateMixerTool::move(const QPointF& canvasPos, Qt::KeyboardModifiers) {
    if (m_layerId < 0)
        return;
    const qreal spacing = std::max(1.0, m_diameter / 6.0);
    const QLineF segment(m_last, canvasPos);
    const int steps = static_cast<int>(segment.length() / spacing);
    for (int i = 1; i <= steps; ++i)
        dab(segment.pointAt(qreal(i) / steps));
    if (steps > 0)
        m_last = canvasPos;
}

void CandidateMixerTool::release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) {
    if (m_layerId < 0)
        return;
    move(canvasPos, modifiers);
    const int layerId = std::exchange(m_layerId, -1);
    QString error;
    const bool applied =
        app::mixCandidateIntoLayer(m_document, layerId, m_candidate, m_weights, &error);
    m_weights = QImage();
    emit finished(applied, applied ? tr("Mixed in candidate %1.").arg(m_candidate + 1) : error);
}

void CandidateMixerTool::cancel() {
    m_layerId = -1;
    m_weights = QImage();
}

// A soft round dab: full strength in the inner half of the radius, then a smooth fall-off, so
// strokes blend into the layer without a visible edge.
void CandidateMixerTool::dab(const QPointF& canvasPos) {
    const QPointF c = canvasPos - m_layerOffset;
    const qreal r = m_diameter / 2.0;
    const int x0 = std::max(0, int(std::floor(c.x() - r))),
              x1 = std::min(m_weights.width() - 1, int(std::ceil(c.x() + r)));
    const int y0 = std::max(0, int(std::floor(c.y() - r))),
              y1 = std::min(m_weights.height() - 1, int(std::ceil(c.y() + r)));
    for (int y = y0; y <= y1; ++y) {
        uchar* row = m_weights.scanLine(y);
        for (int x = x0; x <= x1; ++x) {
            const qreal d = std::hypot(x + 0.5 - c.x(), y + 0.5 - c.y()) / r;
            if (d >= 1.0)
                continue;
            const qreal t = d <= 0.5 ? 1.0 : 1.0 - (d - 0.5) / 0.5;
            const qreal smooth = t * t * (3 - 2 * t);
            row[x] = std::max<uchar>(row[x], uchar(std::lround(255 * smooth)));
        }
    }
}

void CandidateMixerTool::paintOverlay(QPainter& painter, const CanvasView& view,
                                      const QPointF& hoverCanvasPos) const {
    const QPointF c = view.canvasToWidget(hoverCanvasPos);
    const qreal r = m_diameter / 2.0 * view.zoom();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 3));
    painter.drawEllipse(c, r, r);
    painter.setPen(QPen(QColor(120, 220, 255), 1));
    painter.drawEllipse(c, r, r);
    painter.drawText(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), Qt::AlignCenter,
                     QString::number(m_candidate + 1));
}

QRectF CandidateMixerTool::overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const {
    const QPointF c = view.canvasToWidget(hoverCanvasPos);
    const qreal r = m_diameter / 2.0 * view.zoom() + 3;
    return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r);
}

} // namespace limner::ui
