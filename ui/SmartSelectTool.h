#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"
#include "ui/CanvasTool.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QRect>
#include <functional>
#include <vector>

namespace limner::app {
class Document;
}

namespace limner::ui {

// Smart selection (S): drag a box around an object to select it (GrabCut), then click to correct
// it (a click marks the object, Alt+click the background); or click with the magic wand or
// select-by-colour. What it selects is added to the mask (Subtract or Alt takes it away), one
// undo step per gesture; refineMask() snaps the mask's border to the picture's edges.
//
// Requirements: used on the document's thread.
// Guarantees: the selection is computed on a worker thread (the GUI stays live on large
//   pictures); a gesture while one is computed is ignored. The result is applied only when the
//   mask is still the one the work started from; otherwise it is dropped and finished() says so.
class SmartSelectTool : public QObject, public CanvasTool {
    Q_OBJECT
public:
    enum class Mode { Object, Wand, Color };

    explicit SmartSelectTool(app::Document& document, QObject* parent = nullptr);
    ~SmartSelectTool() override;

    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    void setTolerance(int tolerance) { m_tolerance = tolerance; }
    int tolerance() const { return m_tolerance; }
    void setGlobal(bool global) { m_global = global; } // wand: the whole picture, not contiguous
    void setSubtract(bool subtract) { m_subtract = subtract; }

    // Snaps the mask's border to the picture's edges (a guided filter); one undo step.
    void refineMask();
    bool isBusy() const { return m_watcher.isRunning(); }

    void press(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void move(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void release(const QPointF& canvasPos, Qt::KeyboardModifiers modifiers) override;
    void cancel() override;
    bool isActive() const override { return m_dragging; }
    void paintOverlay(QPainter& painter, const CanvasView& view,
                      const QPointF& hoverCanvasPos) const override;
    QRectF overlayRect(const CanvasView& view, const QPointF& hoverCanvasPos) const override;

signals:
    // A selection was applied (applied) or not; message says what happened or why not.
    void finished(bool applied, const QString& message);

private:
    struct Result {
        engine::Status status = engine::Status::ok();
        engine::Image selection;
    };
    // How a computed selection meets the mask it started from.
    enum class Combine { Add, Subtract, Replace };
    using Work = std::function<engine::Status(const engine::Image& picture, engine::Image& out)>;

    void start(Work work, const QImage& basisMask, Combine combine, const QString& undoText);
    void onWorkFinished();
    void selectObject();
    QRect dragRect() const;

    app::Document& m_document;
    Mode m_mode = Mode::Object;
    int m_tolerance = 32;
    bool m_global = false;
    bool m_subtract = false;

    bool m_dragging = false;
    bool m_gestureSubtracts = false;
    QPointF m_pressPos;
    QPointF m_currentPos;

    // The object selection being corrected: its box and clicks, and the mask before it, so each
    // click recomputes it from there. Forgotten when the mask changes otherwise.
    QRect m_objectBox;
    std::vector<std::pair<QPoint, bool>> m_clicks;
    QImage m_maskBeforeObject;
    bool m_objectSubtracts = false;
    qint64 m_objectMaskKey = -1;

    QImage m_basisMask;
    qint64 m_basisKey = 0;
    Combine m_combine = Combine::Add;
    QString m_undoText;
    bool m_remembersObject = false;
    QFutureWatcher<Result> m_watcher;
};

} // namespace limner::ui
