#include "ui/LayersPanel.h"

#include "app/Document.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace limner::ui {

namespace {

constexpr int kThumb = 40;
constexpr int kLayerIdRole = Qt::UserRole + 1;

QIcon layerThumbnail(const app::Layer& layer, const QSize& canvas) {
    QImage tile(kThumb, kThumb, QImage::Format_ARGB32_Premultiplied);
    tile.fill(QColor(190, 190, 190));
    QPainter p(&tile);
    for (int y = 0; y < kThumb; y += 8)
        for (int x = (y / 8 % 2) * 8; x < kThumb; x += 16)
            p.fillRect(x, y, 8, 8, QColor(140, 140, 140));
    if (!canvas.isEmpty()) {
        // The thumbnail shows the layer where it sits on the canvas.
        const qreal s = std::min(qreal(kThumb) / canvas.width(), qreal(kThumb) / canvas.height());
        const QSizeF shown = QSizeF(canvas) * s;
        p.translate((kThumb - shown.width()) / 2, (kThumb - shown.height()) / 2);
        p.scale(s, s);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        const int step = std::max(1, int(1 / s / 2));
        const QImage reduced = step > 1
                                   ? layer.pixels.scaled(layer.pixels.size() / step,
                                                         Qt::IgnoreAspectRatio, Qt::FastTransformation)
                                   : layer.pixels;
        p.drawImage(QRectF(layer.offset, QSizeF(layer.pixels.size())), reduced, reduced.rect());
    }
    return QIcon(QPixmap::fromImage(tile));
}

} // namespace

LayersPanel::LayersPanel(app::Document& document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_list(new QListWidget(this))
    , m_opacity(new QSlider(Qt::Horizontal, this))
    , m_duplicate(new QPushButton(tr("Duplicate"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
    , m_mergeDown(new QPushButton(tr("Merge down"), this))
    , m_thumbnailTimer(new QTimer(this)) {
    setObjectName(QStringLiteral("layersPanel"));
    m_list->setObjectName(QStringLiteral("layerList"));
    m_list->setIconSize(QSize(kThumb, kThumb));
    m_list->setDragDropMode(QAbstractItemView::InternalMove);
    m_list->setDefaultDropAction(Qt::MoveAction);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_opacity->setObjectName(QStringLiteral("layerOpacity"));
    m_opacity->setRange(0, 100);
    m_duplicate->setObjectName(QStringLiteral("duplicateLayer"));
    m_delete->setObjectName(QStringLiteral("deleteLayer"));
    m_mergeDown->setObjectName(QStringLiteral("mergeDownLayer"));
    // Thumbnails of a stroke-heavy session are rebuilt at most a few times a second.
    m_thumbnailTimer->setSingleShot(true);
    m_thumbnailTimer->setInterval(250);

    auto* opacityRow = new QHBoxLayout;
    opacityRow->addWidget(new QLabel(tr("Opacity"), this));
    opacityRow->addWidget(m_opacity, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_duplicate);
    buttons->addWidget(m_delete);
    buttons->addWidget(m_mergeDown);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(opacityRow);
    layout->addWidget(m_list, 1);
    layout->addLayout(buttons);

    connect(&m_document, &app::Document::documentReset, this, &LayersPanel::rebuild);
    connect(&m_document, &app::Document::layersChanged, this, &LayersPanel::rebuild);
    connect(&m_document, &app::Document::activeLayerChanged, this, &LayersPanel::syncControls);
    connect(&m_document, &app::Document::layerPixelsChanged, m_thumbnailTimer,
            qOverload<>(&QTimer::start));
    connect(m_thumbnailTimer, &QTimer::timeout, this, &LayersPanel::refreshThumbnails);
    connect(m_list, &QListWidget::itemChanged, this, &LayersPanel::onItemChanged);
    connect(m_list->model(), &QAbstractItemModel::rowsMoved, this,
            [this](const QModelIndex&, int start, int, const QModelIndex&, int row) {
                onRowsMoved(start, row);
            });
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!m_rebuilding && item)
            m_document.setActiveLayerId(item->data(kLayerIdRole).toInt());
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this](int value) {
        if (!m_rebuilding)
            m_document.setLayerOpacity(m_document.activeLayerId(), value / 100.0);
    });
    connect(m_duplicate, &QPushButton::clicked, this, &LayersPanel::duplicateActive);
    connect(m_delete, &QPushButton::clicked, this, &LayersPanel::deleteActive);
    connect(m_mergeDown, &QPushButton::clicked, this, &LayersPanel::mergeActiveDown);
    rebuild();
}

int LayersPanel::rowToIndex(int row) const {
    return m_document.layerCount() - 1 - row;
}

void LayersPanel::rebuild() {
    m_rebuilding = true;
    m_list->clear();
    const auto& layers = m_document.layers();
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        auto* item = new QListWidgetItem(layerThumbnail(*it, m_document.canvasSize()), it->name);
        item->setData(kLayerIdRole, it->id);
        item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable |
                       Qt::ItemIsUserCheckable | Qt::ItemIsDragEnabled);
        item->setCheckState(it->visible ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(tr("%1 — %2×%3 at (%4, %5), opacity %6 %")
                             .arg(it->name)
                             .arg(it->pixels.width())
                             .arg(it->pixels.height())
                             .arg(it->offset.x())
                             .arg(it->offset.y())
                             .arg(std::lround(it->opacity * 100)));
        m_list->addItem(item);
        if (it->id == m_document.activeLayerId())
            m_list->setCurrentItem(item);
    }
    m_rebuilding = false;
    syncControls();
}

void LayersPanel::refreshThumbnails() {
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem* item = m_list->item(row);
        if (const app::Layer* layer = m_document.layerById(item->data(kLayerIdRole).toInt())) {
            m_rebuilding = true;
            item->setIcon(layerThumbnail(*layer, m_document.canvasSize()));
            m_rebuilding = false;
        }
    }
}

void LayersPanel::syncControls() {
    m_rebuilding = true;
    const app::Layer* active = m_document.layerById(m_document.activeLayerId());
    for (int row = 0; row < m_list->count(); ++row)
        if (active && m_list->item(row)->data(kLayerIdRole).toInt() == active->id)
            m_list->setCurrentRow(row);
    m_opacity->setEnabled(active != nullptr);
    m_opacity->setValue(active ? int(std::lround(active->opacity * 100)) : 100);
    m_duplicate->setEnabled(active != nullptr);
    m_delete->setEnabled(active != nullptr && m_document.layerCount() > 1);
    m_mergeDown->setEnabled(active != nullptr && m_document.indexOfLayer(active->id) > 0);
    m_rebuilding = false;
}

void LayersPanel::onItemChanged(QListWidgetItem* item) {
    if (m_rebuilding)
        return;
    const int id = item->data(kLayerIdRole).toInt();
    const app::Layer* layer = m_document.layerById(id);
    if (!layer)
        return;
    const bool visible = item->checkState() == Qt::Checked;
    if (visible != layer->visible) {
        m_document.setLayerVisible(id, visible);
        return;
    }
    const QString name = item->text().trimmed();
    if (!name.isEmpty() && name != layer->name)
        m_document.renameLayer(id, name);
    else if (name.isEmpty())
        rebuild(); // an empty name is not a name: show the old one again
}

void LayersPanel::onRowsMoved(int sourceRow, int destinationRow) {
    if (m_rebuilding)
        return;
    // destinationRow counts rows before the move; the item now sits just above it.
    const int newRow = destinationRow > sourceRow ? destinationRow - 1 : destinationRow;
    QListWidgetItem* item = m_list->item(newRow);
    if (!item)
        return;
    const int id = item->data(kLayerIdRole).toInt();
    // Rebuilding the list inside the model's own signal is unsafe: defer the document change.
    QTimer::singleShot(0, this, [this, id, newRow] {
        if (!m_document.moveLayer(id, rowToIndex(newRow)))
            rebuild();
    });
}

void LayersPanel::duplicateActive() {
    const int id = m_document.duplicateLayer(m_document.activeLayerId());
    if (id >= 0)
        m_document.setActiveLayerId(id);
}

void LayersPanel::deleteActive() {
    if (m_document.layerCount() > 1)
        m_document.removeLayer(m_document.activeLayerId());
}

void LayersPanel::mergeActiveDown() {
    m_document.mergeDown(m_document.activeLayerId());
}

} // namespace limner::ui
