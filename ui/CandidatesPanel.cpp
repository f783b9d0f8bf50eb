#include "ui/CandidatesPanel.h"

#include <QHBoxLayout>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
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
    , m_discard(new QPushButton(tr("Discard"), this)) {
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

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_accept);
    buttons->addWidget(m_discard);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

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
    updateButtons();
}

void CandidatesPanel::setCandidates(const QVector<QImage>& images) {
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (int i = 0; i < images.size(); ++i)
        m_list->addItem(new QListWidgetItem(thumbnailIcon(images[i]), tr("#%1").arg(i + 1)));
    updateButtons();
}

void CandidatesPanel::clear() {
    const QSignalBlocker block(m_list);
    m_list->clear();
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
}

} // namespace limner::ui
