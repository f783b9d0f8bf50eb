#include "ui/StagingPanel.h"

#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "engine/imaging/OutpaintSeed.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

namespace limner::ui {

namespace {

constexpr int kThumb = 96;
constexpr int kEntryRole = Qt::UserRole;
constexpr int kIndexRole = Qt::UserRole + 1;

QIcon thumbnail(const engine::Image& layer) {
    QPixmap pixmap(kThumb, kThumb);
    pixmap.fill(QColor(60, 60, 62));
    const QImage image = app::ImageConvert::toQImage(layer);
    if (!image.isNull()) {
        const QImage scaled =
            image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        QPainter p(&pixmap);
        p.drawImage((kThumb - scaled.width()) / 2, (kThumb - scaled.height()) / 2, scaled);
    }
    return QIcon(pixmap);
}

QString describe(const app::StagingEntry& entry, int index) {
    const engine::CompositeSettings& c = entry.composite;
    const QString feather = c.blendFeather < 0 ? QObject::tr("auto") : QString::number(c.blendFeather);
    QString colour = QObject::tr("off");
    if (c.colorMatch)
        colour = c.colorMatchMode == engine::imaging::ColorMatchMode::Histogram
                     ? QObject::tr("histogram")
                     : QObject::tr("statistics");
    QString text =
        QObject::tr("%1\nseed %2 · %3\n%4 · feather %5 · colour match %6%7")
            .arg(entry.prompt.isEmpty() ? QObject::tr("(no prompt)") : entry.prompt)
            .arg(entry.seed + quint64(index))
            .arg(app::EngineClient::backendLabel(entry.backend))
            .arg(entry.isOutpaint()
                     ? QObject::tr("outpaint, seed fill %1")
                           .arg(QLatin1String(engine::imaging::seedMethodName(entry.seedMethod)))
                     : QObject::tr("inpaint"))
            .arg(feather, colour, c.poisson ? QObject::tr(" · Poisson") : QString());
    text += QObject::tr("\n%1").arg(entry.created.toString(QStringLiteral("yyyy-MM-dd hh:mm:ss")));
    return text;
}

} // namespace

StagingPanel::StagingPanel(app::Document& document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_list(new QListWidget(this))
    , m_details(new QLabel(this))
    , m_accept(new QPushButton(tr("Accept"), this))
    , m_rerun(new QPushButton(tr("Re-run"), this))
    , m_reuseSeed(new QPushButton(tr("Reuse Seed"), this))
    , m_remove(new QPushButton(tr("Remove"), this)) {
    setObjectName(QStringLiteral("stagingPanel"));
    m_list->setObjectName(QStringLiteral("stagingList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setFlow(QListView::LeftToRight);
    m_list->setWrapping(false);
    m_list->setIconSize(QSize(kThumb, kThumb));
    m_list->setMovement(QListView::Static);
    m_list->setFixedHeight(kThumb + 28);
    m_details->setWordWrap(true);
    m_accept->setObjectName(QStringLiteral("stagingAccept"));
    m_accept->setToolTip(
        tr("Add this candidate as a new layer (extending the canvas for an outpaint)"));
    m_rerun->setToolTip(tr("Run this job again with the same prompt, seed, model and settings"));
    m_reuseSeed->setToolTip(tr("Put this candidate's prompt, model and seed into the Generate panel"));

    auto* buttons = new QVBoxLayout;
    for (QPushButton* b : {m_accept, m_rerun, m_reuseSeed, m_remove})
        buttons->addWidget(b);
    buttons->addStretch();
    // The details sit beside the strip, not under it: the panel is docked at the bottom, and a
    // few lines of text under the strip would be drawn over its labels when the dock is short.
    m_details->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_details->setFixedWidth(320);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(4, 4, 4, 4);
    row->addWidget(m_list, 1);
    row->addWidget(m_details);
    row->addLayout(buttons);

    connect(&m_document, &app::Document::stagingChanged, this, &StagingPanel::rebuild);
    connect(m_list, &QListWidget::currentRowChanged, this, &StagingPanel::updateButtons);
    connect(m_list, &QListWidget::itemDoubleClicked, this,
            [this] { emit acceptRequested(selectedEntryId(), selectedCandidate()); });
    connect(m_accept, &QPushButton::clicked, this,
            [this] { emit acceptRequested(selectedEntryId(), selectedCandidate()); });
    connect(m_rerun, &QPushButton::clicked, this, [this] { emit rerunRequested(selectedEntryId()); });
    connect(m_reuseSeed, &QPushButton::clicked, this,
            [this] { emit reuseSeedRequested(selectedEntryId(), selectedCandidate()); });
    connect(m_remove, &QPushButton::clicked, this,
            [this] { m_document.removeStagingEntry(selectedEntryId()); });
    rebuild();
}

int StagingPanel::count() const {
    return m_list->count();
}

int StagingPanel::selectedEntryId() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(kEntryRole).toInt() : -1;
}

int StagingPanel::selectedCandidate() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(kIndexRole).toInt() : -1;
}

void StagingPanel::selectCandidate(int entryId, int index) {
    for (int row = 0; row < m_list->count(); ++row) {
        const QListWidgetItem* item = m_list->item(row);
        if (item->data(kEntryRole).toInt() == entryId && item->data(kIndexRole).toInt() == index) {
            m_list->setCurrentRow(row);
            return;
        }
    }
}

void StagingPanel::rebuild() {
    const int entryId = selectedEntryId(), index = selectedCandidate();
    m_list->clear();
    const auto& entries = m_document.stagingHistory().entries();
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        for (int i = 0; i < it->count(); ++i) {
            auto* item = new QListWidgetItem(thumbnail(it->result.candidates[std::size_t(i)].layer),
                                             QStringLiteral("#%1.%2").arg(it->id).arg(i + 1));
            item->setData(kEntryRole, it->id);
            item->setData(kIndexRole, i);
            item->setToolTip(describe(*it, i));
            m_list->addItem(item);
        }
    }
    selectCandidate(entryId, index);
    if (m_list->currentRow() < 0 && m_list->count() > 0)
        m_list->setCurrentRow(0);
    updateButtons();
}

void StagingPanel::updateButtons() {
    const bool selected = m_list->currentItem() != nullptr;
    for (QPushButton* b : {m_accept, m_rerun, m_reuseSeed, m_remove})
        b->setEnabled(selected);
    m_details->setText(selected ? m_list->currentItem()->toolTip()
                                : tr("Every job's candidates stay here: accept any of them later."));
}

} // namespace limner::ui
