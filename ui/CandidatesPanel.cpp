#include "ui/CandidatesPanel.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace limner::ui {

namespace {

constexpr int kThumb = 96;

QIcon thumbnailIcon(const QImage& image) {
    QImage tile(kThumb, kThumb, QImage::Format_ARGB32_Premultiplied);
    tile.fill(QColor(60, 60, 60));
    QPainter p(&tile);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    const QImage scaled = image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    p.drawImage((kThumb - scaled.width()) / 2, (kThumb - scaled.height()) / 2, scaled);
    return QIcon(QPixmap::fromImage(tile));
}

} // namespace

CandidatesPanel::CandidatesPanel(QWidget* parent)
    : QWidget(parent)
    , m_list(new QListWidget(this))
    , m_accept(new QPushButton(tr("Accept"), this))
    , m_discard(new QPushButton(tr("Discard"), this))
    , m_seamMap(new QPushButton(tr("Seam Map"), this))
    , m_fixSeam(new QPushButton(tr("Fix Seam"), this)) {
    setObjectName(QStringLiteral("candidatesPanel"));
    m_list->setObjectName(QStringLiteral("candidateList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(kThumb, kThumb));
    m_list->setMovement(QListView::Static);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setSpacing(4);
    m_list->setMinimumHeight(kThumb + 40);
    m_accept->setObjectName(QStringLiteral("acceptButton"));
    m_discard->setObjectName(QStringLiteral("discardButton"));
    m_seamMap->setObjectName(QStringLiteral("seamMapButton"));
    m_seamMap->setCheckable(true);
    m_seamMap->setToolTip(tr("Show where the fill's edge differs from the picture (red)"));
    m_fixSeam->setObjectName(QStringLiteral("fixSeamButton"));
    m_fixSeam->setToolTip(tr("Blend the selected candidate in again (wider feather, colour or "
                             "histogram match, Poisson) until its edge passes, without generating"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_accept);
    buttons->addWidget(m_discard);
    auto* seamButtons = new QHBoxLayout;
    seamButtons->addWidget(m_seamMap);
    seamButtons->addWidget(m_fixSeam);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);
    layout->addLayout(seamButtons);

    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        updateButtons();
        emit previewRequested(row);
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this,
            [this] { emit acceptRequested(m_list->currentRow()); });
    connect(m_accept, &QPushButton::clicked, this, [this] {
        if (m_list->currentRow() >= 0)
            emit acceptRequested(m_list->currentRow());
    });
    connect(m_discard, &QPushButton::clicked, this, &CandidatesPanel::discardRequested);
    connect(m_seamMap, &QPushButton::toggled, this, &CandidatesPanel::seamMapToggled);
    connect(m_fixSeam, &QPushButton::clicked, this, [this] {
        if (m_list->currentRow() >= 0)
            emit fixSeamRequested(m_list->currentRow());
    });
    updateButtons();
}

void CandidatesPanel::setCandidates(const QVector<QImage>& images) {
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (int i = 0; i < images.size(); ++i)
        m_list->addItem(new QListWidgetItem(thumbnailIcon(images[i]), tr("#%1").arg(i + 1)));
    m_verdicts.clear();
    updateButtons();
}

void CandidatesPanel::setSeamVerdicts(const QVector<SeamVerdict>& verdicts) {
    m_verdicts = verdicts;
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        if (i >= verdicts.size()) {
            item->setText(tr("#%1").arg(i + 1));
            item->setToolTip({});
            continue;
        }
        const SeamVerdict& v = verdicts[i];
        item->setText(v.visible ? tr("#%1 · seam visible").arg(i + 1) : tr("#%1 · seam ✓").arg(i + 1));
        item->setForeground(v.visible ? QColor(200, 60, 40) : palette().text().color());
        item->setToolTip(v.visible ? tr("The seam check sees %1.").arg(v.reason)
                                   : tr("The seam check sees no visible edge."));
    }
    updateButtons();
}

bool CandidatesPanel::showsSeamMap() const {
    return m_seamMap->isChecked();
}

void CandidatesPanel::clear() {
    const QSignalBlocker block(m_list);
    m_list->clear();
    m_verdicts.clear();
    updateButtons();
}

int CandidatesPanel::count() const {
    return m_list->count();
}

int CandidatesPanel::currentIndex() const {
    return m_list->currentRow();
}

void CandidatesPanel::setCurrentIndex(int index) {
    m_list->setCurrentRow(index);
}

void CandidatesPanel::updateButtons() {
    m_accept->setEnabled(m_list->currentRow() >= 0);
    m_discard->setEnabled(m_list->count() > 0);
    const int row = m_list->currentRow();
    const bool checked = row >= 0 && row < m_verdicts.size();
    m_seamMap->setEnabled(!m_verdicts.isEmpty());
    m_fixSeam->setEnabled(checked && m_verdicts[row].visible);
}

} // namespace limner::ui
