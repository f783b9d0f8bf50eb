#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QRect>
#include <atomic>

namespace limner::app {

class Document;

// Grows or shrinks the document's mask on worker threads (MaskMorphology) while the GUI thread
// goes on: progress arrives as a signal, cancel() stops the work between bands, and the result
// becomes one undo step ("Grow Mask" / "Shrink Mask"), as Document::growMask() makes.
//
// Requirements: created, started and deleted on the document's thread. cancel() is a direct call
//   (from any thread): a queued one could arrive after the work has ended.
// Guarantees: finished() is emitted once per successful start(), on the document's thread, after
//   the document has changed (or not). The document changes only there, and only when the work
//   was not cancelled and the mask did not change meanwhile; otherwise the result is dropped and
//   the message says why. Deleting a running task cancels it and waits for its workers.
class MaskResizeTask : public QObject {
    Q_OBJECT
public:
    enum class Operation { Grow, Shrink };

    MaskResizeTask(Document& document, Operation operation, int px, QObject* parent = nullptr);
    ~MaskResizeTask() override;

    // False (and nothing starts) when the task is running, the document has no mask or px <= 0.
    bool start();
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progressed(double fraction); // 0…1
    // applied: the mask changed (one undo step). message: why not, or empty.
    void finished(bool applied, const QString& message);

private:
    struct Result {
        bool cancelled = false;
        QRect changed;
        QImage before; // the changed rectangle's pixels
        QImage after;
    };

    void onWorkFinished();

    Document& m_document;
    Operation m_operation;
    int m_px;
    qint64 m_basis = 0; // the mask the work started from (Document::maskKey())
    bool m_running = false;
    std::atomic_bool m_cancel{false};
    QFutureWatcher<Result> m_watcher;
};

} // namespace limner::app
