#include "app/MaskResizeTask.h"

#include "app/Document.h"
#include "app/MaskEditCommand.h"
#include "app/MaskMorphology.h"

#include <QtConcurrentRun>
#include <utility>

namespace limner::app {

MaskResizeTask::MaskResizeTask(Document& document, Operation operation, int px, QObject* parent)
    : QObject(parent)
    , m_document(document)
    , m_operation(operation)
    , m_px(px) {
    connect(&m_watcher, &QFutureWatcher<Result>::finished, this, &MaskResizeTask::onWorkFinished);
}

MaskResizeTask::~MaskResizeTask() {
    m_cancel = true;
    m_watcher.waitForFinished();
}

bool MaskResizeTask::start() {
    if (m_running || m_px <= 0 || m_document.mask().isNull())
        return false;
    m_running = true;
    m_cancel = false;
    m_basis = m_document.maskKey();
    const bool grow = m_operation == Operation::Grow;
    m_watcher.setFuture(QtConcurrent::run([this, mask = m_document.mask(), grow, px = m_px]() mutable {
        // The worker lets go of the mask before it returns, so that applying the result on
        // the GUI thread writes into the mask without copying it first.
        const QImage before = std::move(mask);
        const auto progress = [this](int done, int total) {
            const double fraction = double(done) / total;
            QMetaObject::invokeMethod(
                this, [this, fraction] { emit progressed(fraction); }, Qt::QueuedConnection);
        };
        const QImage after = grow ? MaskMorphology::grow(before, px, &m_cancel, progress)
                                  : MaskMorphology::shrink(before, px, &m_cancel, progress);
        Result result;
        result.cancelled = after.isNull();
        if (!result.cancelled) {
            result.changed = MaskEditCommand::differenceRect(before, after, before.rect());
            result.before = before.copy(result.changed);
            result.after = after.copy(result.changed);
        }
        return result;
    }));
    return true;
}

void MaskResizeTask::cancel() {
    m_cancel = true;
}

void MaskResizeTask::onWorkFinished() {
    m_running = false;
    const Result result = m_watcher.result();
    const bool grow = m_operation == Operation::Grow;
    if (result.cancelled) {
        emit finished(false, grow ? tr("Growing the mask was cancelled.")
                                  : tr("Shrinking the mask was cancelled."));
        return;
    }
    if (result.changed.isEmpty()) {
        emit finished(false, tr("The mask did not change."));
        return;
    }
    if (!m_document.applyMaskEdit(m_basis, result.changed, result.before, result.after,
                                  grow ? tr("Grow Mask") : tr("Shrink Mask"))) {
        emit finished(false, tr("The mask changed meanwhile, so the result was dropped: %1 it again.")
                                 .arg(grow ? tr("grow") : tr("shrink")));
        return;
    }
    emit finished(true, QString());
}

} // namespace limner::app
