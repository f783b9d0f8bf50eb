#include "ui/DownloadPanel.h"

#include "app/models/DownloadFormat.h"
#include "app/models/HubDownloader.h"
#include "app/models/SuggestedModels.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

namespace limner::ui {

namespace {

constexpr int kBarSteps = 1000;

QString repoIdOf(const QString& reference) {
    return reference.trimmed().section(QLatin1Char('@'), 0, 0);
}

} // namespace

DownloadPanel::DownloadPanel(QWidget* parent)
    : QWidget(parent)
    , m_repo(new QLineEdit(this))
    , m_suggested(new QListWidget(this))
    , m_download(new QPushButton(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_bar(new QProgressBar(this))
    , m_activity(new QLabel(this))
    , m_message(new QLabel(this)) {
    m_repo->setPlaceholderText(tr("ORG/NAME or ORG/NAME@REVISION from huggingface.co"));
    m_repo->setClearButtonEnabled(true);
    for (const app::SuggestedModel& model : app::suggestedModels()) {
        const QString size = model.priorRepoId.isEmpty()
                                 ? app::formatBytes(model.totalBytes())
                                 : tr("%1 with its prior").arg(app::formatBytes(model.totalBytes()));
        auto* item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(model.title, size), m_suggested);
        item->setData(Qt::UserRole, model.repoId);
        item->setToolTip(model.repoId);
    }
    const int row = std::max(m_suggested->sizeHintForRow(0), m_suggested->fontMetrics().height() + 4);
    m_suggested->setMaximumHeight(row * (m_suggested->count() + 1));
    m_bar->setRange(0, kBarSteps);
    m_bar->setValue(0);
    m_activity->setWordWrap(true);
    m_activity->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* field = new QHBoxLayout;
    field->addWidget(m_repo, 1);
    field->addWidget(m_download);
    field->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Suggested models:"), this));
    layout->addWidget(m_suggested);
    layout->addLayout(field);
    layout->addWidget(m_bar);
    layout->addWidget(m_activity);
    layout->addWidget(m_message);

    connect(m_suggested, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { setRepoReference(item->data(Qt::UserRole).toString()); });
    connect(m_repo, &QLineEdit::textChanged, this, [this] { updateButtons(); });
    connect(m_repo, &QLineEdit::returnPressed, this, [this] { startDownload(); });
    connect(m_download, &QPushButton::clicked, this, [this] { startDownload(); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { cancelDownload(); });
    updateButtons();
}

DownloadPanel::~DownloadPanel() {
    if (m_downloader)
        m_downloader->cancel();
}

void DownloadPanel::setRepoReference(const QString& reference) {
    m_repo->setText(reference);
}

QString DownloadPanel::repoReference() const {
    return m_repo->text().trimmed();
}

bool DownloadPanel::isDownloading() const {
    return m_downloader && m_downloader->isRunning();
}

QString DownloadPanel::message() const {
    return m_message->text();
}

QString DownloadPanel::downloadButtonText() const {
    return m_download->text();
}

bool DownloadPanel::startDownload() {
    if (isDownloading() || repoReference().isEmpty())
        return false;
    const QString reference = repoReference();
    const int at = reference.indexOf(QLatin1Char('@'));
    if (m_downloader)
        m_downloader->deleteLater();
    m_downloader = new app::HubDownloader(this);
    connect(m_downloader, &app::HubDownloader::progress, this, &DownloadPanel::showProgress);
    connect(m_downloader, &app::HubDownloader::finished, this, [this](const QString& folder) {
        endDownload(tr("Downloaded into %1").arg(folder), false);
        m_bar->setValue(kBarSteps);
        emit downloaded(folder);
    });
    connect(m_downloader, &app::HubDownloader::failed, this,
            [this](const QString& message) { endDownload(message, true); });
    connect(m_downloader, &app::HubDownloader::cancelled, this, [this] {
        endDownload(tr("Cancelled. What was downloaded stays in the cache: Resume continues it."),
                    false);
    });
    m_message->clear();
    m_activity->setText(tr("Starting…"));
    m_bar->setValue(0);
    m_downloader->download(at < 0 ? reference : reference.left(at),
                           at < 0 ? QStringLiteral("main") : reference.mid(at + 1));
    updateButtons();
    return true;
}

void DownloadPanel::cancelDownload() {
    if (m_downloader)
        m_downloader->cancel(); // direct: nothing arrives after it
}

void DownloadPanel::showProgress(qint64 done, qint64 total, double rate, double secondsLeft,
                                 const QString& activity) {
    m_bar->setValue(total > 0 ? int(double(done) / double(total) * kBarSteps) : 0);
    m_message->setText(total > 0 ? app::formatDownloadProgress(done, total, rate, secondsLeft)
                                 : QString());
    m_activity->setText(activity);
}

void DownloadPanel::endDownload(const QString& message, bool isError) {
    m_activity->clear();
    m_message->setText(message);
    m_message->setStyleSheet(isError ? QStringLiteral("color: #c62828;") : QString());
    updateButtons();
}

void DownloadPanel::updateButtons() {
    const bool running = isDownloading();
    const bool resumable = app::HubDownloader::hasPartialDownload(
        app::HubDownloader::defaultCacheRoot(), repoIdOf(m_repo->text()));
    m_download->setText(resumable ? tr("Resume") : tr("Download"));
    m_download->setEnabled(!running && !repoReference().isEmpty());
    m_cancel->setEnabled(running);
    m_repo->setEnabled(!running);
    m_suggested->setEnabled(!running);
}

} // namespace limner::ui
