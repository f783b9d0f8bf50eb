#include "ui/MaskResizeProgress.h"

#include "app/Document.h"
#include "app/MaskResizeTask.h"

#include <QProgressBar>
#include <QStatusBar>
#include <QToolButton>
#include <cmath>

namespace limner::ui {

MaskResizeProgress::MaskResizeProgress(app::Document& document, QStatusBar& statusBar, QObject* parent)
    : QObject(parent)
    , m_document(document)
    , m_statusBar(statusBar)
    , m_bar(new QProgressBar(&statusBar))
    , m_cancel(new QToolButton(&statusBar)) {
    m_bar->setObjectName(QStringLiteral("maskResizeProgress"));
    m_bar->setRange(0, 100);
    m_bar->setMaximumWidth(160);
    m_cancel->setObjectName(QStringLiteral("maskResizeCancel"));
    m_cancel->setText(tr("Cancel"));
    m_statusBar.addWidget(m_bar);
    m_statusBar.addWidget(m_cancel);
    m_bar->hide();
    m_cancel->hide();
    connect(m_cancel, &QToolButton::clicked, this, &MaskResizeProgress::cancel);
}

bool MaskResizeProgress::start(bool grow, int px) {
    if (m_task)
        return false;
    using Operation = app::MaskResizeTask::Operation;
    auto* task =
        new app::MaskResizeTask(m_document, grow ? Operation::Grow : Operation::Shrink, px, this);
    connect(task, &app::MaskResizeTask::progressed, m_bar,
            [this](double fraction) { m_bar->setValue(int(std::lround(fraction * 100))); });
    connect(task, &app::MaskResizeTask::finished, this, &MaskResizeProgress::onFinished);
    if (!task->start()) {
        delete task;
        return false;
    }
    m_task = task;
    m_bar->setValue(0);
    m_bar->setFormat(grow ? tr("Growing the mask %p %") : tr("Shrinking the mask %p %"));
    m_bar->show();
    m_cancel->show();
    return true;
}

void MaskResizeProgress::cancel() {
    if (m_task)
        m_task->cancel();
}

void MaskResizeProgress::onFinished(bool applied, const QString& message) {
    m_bar->hide();
    m_cancel->hide();
    if (m_task)
        m_task->deleteLater();
    m_task = nullptr;
    if (!message.isEmpty())
        m_statusBar.showMessage(message, 5000);
    emit finished(applied);
}

} // namespace limner::ui
