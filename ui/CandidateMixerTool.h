#pragma once

#include "ui/CanvasTool.h"

#include <QImage>
#include <QObject>
#include <QPointF>

namespace limner::app {
class Document;
}

namespace limner::ui {

// The candidate mixer brush: on a layer accepted from a job whose candidates are still staged,
// paints another candidate of that job into the layer with a soft round brush. Each stroke is
// one undo step (app::mixCandidateIntoLayer); the layer remembers which candidate each pixel
// shows.
class CandidateMixerTool : public QObject, public CanvasTool {
    Q_OBJECT
public:
    explicit CandidateMixerTool(app::Document& document, QObject* parent = nullptr);

    void setCandidate(int index) { m_candidate = index; } // 0-based
    int candidate() const { return m_candidate; }
    void setDiameter(int px) { m_diameter = std::max(1, px); }
    // How many candidates the active layer's job has; 0 when it cannot be mixed.
    int candidateCount() const;

    void press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void move(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void cancel() override;
    bool isActive() const override { return m_layerId >= 0; }
    void paintOverlay(QPainter& painter, const CanvasView& view,
                      const QPointF& hoverCanvasPos) const override;
    QRectF overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const override;

signals:
    void finished(bool applied, const QString& message);

private:
    void dab(const QPointF& canvasPos);

    app::Document& m_document;
    int m_candidate = 1;
    int m_diameter = 40;
    int m_layerId = -1; // the layer of the stroke in progress
    QPoint m_layerOffset;
    QImage m_weights; // Grayscale8, the layer's size
    QPointF m_last;
};

} // namespace limner::ui
