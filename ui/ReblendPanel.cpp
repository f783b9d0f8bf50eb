#include "ui/ReblendPanel.h"

#include "app/Document.h"
#include "app/LayerReblend.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

namespace limner::ui {

namespace {
enum ColourChoice { Statistics, Histogram, Off };
}

ReblendPanel::ReblendPanel(app::Document& document, QWidget* parent)
    : QWidget(parent)
    , m_document(document)
    , m_target(new QLabel(this))
    , m_feather(new QSpinBox(this))
    , m_grow(new QSpinBox(this))
    , m_colour(new QComboBox(this))
    , m_poisson(new QCheckBox(tr("Poisson blending"), this)) {
    setObjectName(QStringLiteral("reblendPanel"));
    m_feather->setObjectName(QStringLiteral("reblendFeather"));
    m_grow->setObjectName(QStringLiteral("reblendGrow"));
    for (QSpinBox* box : {m_feather, m_grow}) {
        box->setRange(0, 512);
        box->setSuffix(tr(" px"));
        box->setKeyboardTracking(false);
    }
    m_colour->addItem(tr("Statistics"), Statistics);
    m_colour->addItem(tr("Histogram"), Histogram);
    m_colour->addItem(tr("Off"), Off);
    m_target->setWordWrap(true);
    auto* form = new QFormLayout(this);
    form->addRow(m_target);
    form->addRow(tr("Feather"), m_feather);
    form->addRow(tr("Grow"), m_grow);
    form->addRow(tr("Colour match"), m_colour);
    form->addRow(m_poisson);

    connect(&m_document, &app::Document::activeLayerChanged, this, &ReblendPanel::load);
    connect(&m_document, &app::Document::layersChanged, this, &ReblendPanel::load);
    connect(m_feather, qOverload<int>(&QSpinBox::valueChanged), this, &ReblendPanel::apply);
    connect(m_grow, qOverload<int>(&QSpinBox::valueChanged), this, &ReblendPanel::apply);
    connect(m_colour, qOverload<int>(&QComboBox::currentIndexChanged), this, &ReblendPanel::apply);
    connect(m_poisson, &QCheckBox::toggled, this, &ReblendPanel::apply);
    load();
}

void ReblendPanel::load() {
    m_loading = true;
    const int id = m_document.activeLayerId();
    const bool editable = app::canReblend(m_document, id);
    for (QWidget* w : std::initializer_list<QWidget*>{m_feather, m_grow, m_colour, m_poisson})
        w->setEnabled(editable);
    if (editable) {
        const app::Layer* layer = m_document.layerById(id);
        const app::LayerBlendSettings s = app::LayerBlendSettings::of(layer->generation);
        m_target->setText(tr("Blend of \"%1\"").arg(layer->name));
        m_feather->setValue(s.feather);
        m_grow->setValue(s.grow);
        m_colour->setCurrentIndex(!s.colorMatch ? Off : s.histogramMatch ? Histogram : Statistics);
        m_poisson->setChecked(s.poisson);
    } else {
        m_target->setText(tr("Select a generated layer to change how it blends in."));
    }
    m_loading = false;
}

void ReblendPanel::apply() {
    if (m_loading)
        return;
    app::LayerBlendSettings s;
    s.feather = m_feather->value();
    s.grow = m_grow->value();
    s.colorMatch = m_colour->currentData().toInt() != Off;
    s.histogramMatch = m_colour->currentData().toInt() == Histogram;
    s.poisson = m_poisson->isChecked();
    QString error;
    if (!app::reblendLayer(m_document, m_document.activeLayerId(), s, &error))
        emit statusMessage(error);
}

} // namespace limner::ui
