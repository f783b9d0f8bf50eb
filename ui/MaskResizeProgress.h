#pragma once

#include <QObject>

class QProgressBar;
class QStatusBar;
class QToolButton;

namespace limner::app {
class Document;
class MaskResizeTask;
} // namespace limner::app

namespace limner::ui {

// Mask ▸ Grow / Shrink in the background: runs one app::MaskResizeTask at a time and shows a
// progress bar with a Cancel button in the status bar while it runs; the editor stays usable.
// The outcome (or why nothing changed) is a status bar message.
//
// Requirements: GUI thread; the document and the status bar outlive it.
class MaskResizeProgress : public QObject {
    Q_OBJECT
public:
    MaskResizeProgress(app::Document& document, QStatusBar& statusBar, QObject* parent = nullptr);

    // False when a grow or shrink is still running (or there is nothing to do).
    bool start(bool grow, int px);
    bool isRunning() const { return m_task != nullptr; }
    void cancel();

signals:
    void finished(bool applied);

private:
    void onFinished(bool applied, const QString& message);

    app::Document& m_document;
    QStatusBar& m_statusBar;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
    app::MaskResizeTask* m_task = nullptr; // owned; deleted when it has finished
};

} // namespace limner::ui
