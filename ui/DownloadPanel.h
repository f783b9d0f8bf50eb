#pragma once

#include <QString>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace limner::app {
class HubDownloader;
}

namespace limner::ui {

// Downloads a model from the Hugging Face hub into the hub cache: a repo id field (ORG/NAME or
// ORG/NAME@REVISION), the suggested models with their download sizes, Download (Resume when part
// of the model is already in the cache), a progress bar with bytes, rate and time left, and
// Cancel. The hub, token and cache come from the environment (HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE
// …). Self-contained, so the Models page embeds it and adds the folder downloaded() gives.
//
// Requirements: GUI thread.
class DownloadPanel : public QWidget {
    Q_OBJECT
public:
    explicit DownloadPanel(QWidget* parent = nullptr);
    ~DownloadPanel() override;

    void setRepoReference(const QString& reference);
    QString repoReference() const;
    // What the Download / Resume button does; false when a download runs already.
    bool startDownload();
    void cancelDownload();
    bool isDownloading() const;
    // The line under the progress bar: progress, the snapshot folder, or what went wrong.
    QString message() const;
    // "Download" or "Resume".
    QString downloadButtonText() const;

signals:
    // The snapshot folder of the model downloaded (a Kandinsky decoder's prior came with it).
    void downloaded(const QString& snapshotFolder);

private:
    void updateButtons();
    void showProgress(qint64 done, qint64 total, double rate, double secondsLeft,
                      const QString& activity);
    void endDownload(const QString& message, bool isError);

    app::HubDownloader* m_downloader = nullptr;
    QLineEdit* m_repo;
    QListWidget* m_suggested;
    QPushButton* m_download;
    QPushButton* m_cancel;
    QProgressBar* m_bar;
    QLabel* m_activity;
    QLabel* m_message;
};

} // namespace limner::ui
