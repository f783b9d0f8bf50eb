#include "ui/GeneratePanel.h"

#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "app/Settings.h"
#include "ui/StylesDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

namespace limner::ui {

namespace {

const QString kModelPrefix = QStringLiteral("model:");
constexpr int kThumbSize = 48;

// The schedulers a model can run with instead of its own (engine/ml SchedulerChoice's names).
const QStringList& schedulerNames() {
    static const QStringList names{QStringLiteral("ddpm"),
                                   QStringLiteral("ddim"),
                                   QStringLiteral("pndm"),
                                   QStringLiteral("euler"),
                                   QStringLiteral("euler-ancestral"),
                                   QStringLiteral("dpm++2m"),
                                   QStringLiteral("dpm++2m-karras"),
                                   QStringLiteral("unipc")};
    return names;
}

} // namespace

GeneratePanel::GeneratePanel(QWidget* parent)
    : QWidget(parent)
    , m_prompt(new QPlainTextEdit(this))
    , m_negative(new QLineEdit(this))
    , m_backend(new QComboBox(this))
    , m_seed(new QSpinBox(this))
    , m_randomSeed(new QCheckBox(tr("Random"), this))
    , m_candidates(new QSpinBox(this))
    , m_generate(new QPushButton(tr("Generate"), this))
    , m_estimate(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_message(new QLabel(this)) {
    setObjectName(QStringLiteral("generatePanel"));
    m_prompt->setObjectName(QStringLiteral("prompt"));
    m_prompt->setPlaceholderText(tr("What should be there, e.g. \"with the head of a duck\""));
    m_prompt->setTabChangesFocus(true);
    m_prompt->setFixedHeight(m_prompt->fontMetrics().lineSpacing() * 4 + 12);
    m_negative->setObjectName(QStringLiteral("negativePrompt"));
    m_negative->setPlaceholderText(tr("What to avoid"));
    m_backend->setObjectName(QStringLiteral("backend"));
    for (const QString& name : app::EngineClient::backendNames()) {
        if (!name.startsWith(kModelPrefix))
            m_backend->addItem(app::EngineClient::backendLabel(name), name);
    }
    m_seed->setObjectName(QStringLiteral("seed"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_randomSeed->setChecked(true);
    m_seed->setEnabled(false);
    connect(m_randomSeed, &QCheckBox::toggled, m_seed,
            [this](bool random) { m_seed->setEnabled(!random); });
    m_candidates->setObjectName(QStringLiteral("candidates"));
    m_candidates->setRange(1, 8);
    m_candidates->setValue(3);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setDefault(true);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_estimate->setObjectName(QStringLiteral("estimate"));
    m_estimate->setWordWrap(true);
    m_estimate->setVisible(false);

    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(m_randomSeed);

    m_styleChips = new QWidget(this);
    m_styleChips->setObjectName(QStringLiteral("styleChips"));
    // A chip that is on reads as on at a glance.
    m_styleChips->setStyleSheet(QStringLiteral(
        "QToolButton:checked { background: palette(highlight); color: palette(highlighted-text); "
        "border: 1px solid palette(highlight); border-radius: 3px; padding: 2px 6px; }"));
    new QGridLayout(m_styleChips);
    m_styleChips->layout()->setContentsMargins(0, 0, 0, 0);
    {
        const app::Settings settings = app::Settings::load();
        setStyles(settings.styles, settings.activeStyles);
    }

    auto* form = new QFormLayout;
    form->addRow(tr("Prompt"), m_prompt);
    form->addRow(tr("Styles"), m_styleChips);
    form->addRow(tr("Backend"), m_backend);
    form->addRow(tr("Seed"), seedRow);
    form->addRow(tr("Candidates"), m_candidates);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(createDiffusionSettings());
    layout->addWidget(m_generate);
    layout->addWidget(m_estimate);
    layout->addWidget(m_progress);
    layout->addWidget(m_message);
    layout->addStretch(1);

    connect(m_backend, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &GeneratePanel::onBackendChanged);
    onBackendChanged();

    connect(m_generate, &QPushButton::clicked, this, [this] {
        if (m_running)
            emit cancelRequested();
        else
            emit generateRequested();
    });
    const auto inputsChanged = [this] {
        emit estimateInputsChanged();
    };
    connect(m_prompt, &QPlainTextEdit::textChanged, this, inputsChanged);
    connect(m_candidates, qOverload<int>(&QSpinBox::valueChanged), this, inputsChanged);
    connect(m_steps, qOverload<int>(&QSpinBox::valueChanged), this, inputsChanged);
    connect(m_strength, qOverload<double>(&QDoubleSpinBox::valueChanged), this, inputsChanged);
    connect(m_guidance, qOverload<double>(&QDoubleSpinBox::valueChanged), this, inputsChanged);
    connect(m_imagePromptWeight, &QSlider::valueChanged, this, inputsChanged);
}

QWidget* GeneratePanel::createDiffusionSettings() {
    m_diffusion = new QWidget(this);
    m_diffusion->setObjectName(QStringLiteral("diffusionSettings"));
    m_steps = new QSpinBox(m_diffusion);
    m_steps->setObjectName(QStringLiteral("steps"));
    m_steps->setRange(1, 150);
    m_steps->setValue(30);
    m_steps->setToolTip(tr("Denoising steps per candidate: more is slower and finer."));
    m_guidance = new QDoubleSpinBox(m_diffusion);
    m_guidance->setObjectName(QStringLiteral("guidance"));
    m_guidance->setRange(0.0, 30.0);
    m_guidance->setSingleStep(0.5);
    m_guidance->setDecimals(1);
    // 0 stands for "the family's default" (4 for Kandinsky, 1.5 when it has neither prompt nor
    // image prompt, 7.5 for Stable Diffusion); below 1 classifier-free guidance does nothing.
    m_guidance->setSpecialValueText(tr("Default"));
    m_guidance->setValue(0.0);
    m_guidance->setToolTip(tr("How closely the fill follows the prompt. Default: 4 for Kandinsky "
                              "(1.5 with an empty prompt, which erases), 7.5 for Stable Diffusion."));
    m_scheduler = new QComboBox(m_diffusion);
    m_scheduler->setObjectName(QStringLiteral("scheduler"));
    m_scheduler->addItem(tr("Model's own"), QString());
    for (const QString& name : schedulerNames())
        m_scheduler->addItem(name, name);
    m_strength = new QDoubleSpinBox(m_diffusion);
    m_strength->setObjectName(QStringLiteral("strength"));
    m_strength->setRange(0.05, 1.0);
    m_strength->setSingleStep(0.05);
    m_strength->setDecimals(2);
    m_strength->setValue(1.0);
    m_strength->setToolTip(tr("1 replaces the masked pixels; lower values keep more of them."));

    // Soft inpainting: the mask's gray levels (a soft brush, a feathered selection) set how much
    // each pixel changes; the curve bends those levels.
    m_softMask = new QCheckBox(tr("Soft"), m_diffusion);
    m_softMask->setObjectName(QStringLiteral("softMask"));
    m_softMask->setToolTip(tr("The mask's strength sets how much each pixel may change: full where "
                              "it is solid, a little where it is faint, so the fill fades into the "
                              "picture. Off: every masked pixel is replaced."));
    m_softCurve = new QDoubleSpinBox(m_diffusion);
    m_softCurve->setObjectName(QStringLiteral("softCurve"));
    m_softCurve->setRange(0.25, 4.0);
    m_softCurve->setSingleStep(0.25);
    m_softCurve->setDecimals(2);
    m_softCurve->setValue(1.0);
    m_softCurve->setPrefix(tr("curve "));
    m_softCurve->setToolTip(tr("Strength curve: below 1 faint mask changes more, above 1 less."));
    m_softCurve->setEnabled(false);
    connect(m_softMask, &QCheckBox::toggled, m_softCurve, &QWidget::setEnabled);
    auto* softRow = new QHBoxLayout;
    softRow->setContentsMargins(0, 0, 0, 0);
    softRow->addWidget(m_softMask);
    softRow->addWidget(m_softCurve, 1);

    m_imagePromptRow = new QWidget(m_diffusion);
    m_imagePromptRow->setObjectName(QStringLiteral("imagePrompt"));
    m_imagePromptThumb = new QLabel(m_imagePromptRow);
    m_imagePromptThumb->setObjectName(QStringLiteral("imagePromptThumb"));
    m_imagePromptThumb->setFixedSize(kThumbSize, kThumbSize);
    m_imagePromptThumb->setFrameShape(QFrame::StyledPanel);
    m_imagePromptThumb->setAlignment(Qt::AlignCenter);
    m_chooseImagePrompt = new QToolButton(m_imagePromptRow);
    m_chooseImagePrompt->setObjectName(QStringLiteral("chooseImagePrompt"));
    m_chooseImagePrompt->setText(tr("Picture…"));
    // "Fill like this": part of the picture, or a layer, as the image prompt.
    m_imagePromptFromCanvas = new QToolButton(m_imagePromptRow);
    m_imagePromptFromCanvas->setObjectName(QStringLiteral("imagePromptFromCanvas"));
    m_imagePromptFromCanvas->setText(tr("From Canvas"));
    m_imagePromptFromCanvas->setToolTip(
        tr("Fill like this: use a region of the picture, or the active layer, as the image prompt"));
    m_imagePromptFromCanvas->setPopupMode(QToolButton::InstantPopup);
    auto* fromCanvas = new QMenu(m_imagePromptFromCanvas);
    QAction* region = fromCanvas->addAction(tr("Drag a Region on the Canvas"));
    region->setObjectName(QStringLiteral("imagePromptFromRegion"));
    QAction* layer = fromCanvas->addAction(tr("Active Layer"));
    layer->setObjectName(QStringLiteral("imagePromptFromLayer"));
    m_imagePromptFromCanvas->setMenu(fromCanvas);
    connect(region, &QAction::triggered, this, [this] { emit imagePromptFromCanvasRequested(false); });
    connect(layer, &QAction::triggered, this, [this] { emit imagePromptFromCanvasRequested(true); });
    m_clearImagePrompt = new QToolButton(m_imagePromptRow);
    m_clearImagePrompt->setObjectName(QStringLiteral("clearImagePrompt"));
    m_clearImagePrompt->setText(tr("Clear"));
    m_imagePromptWeight = new QSlider(Qt::Horizontal, m_imagePromptRow);
    m_imagePromptWeight->setObjectName(QStringLiteral("imagePromptWeight"));
    m_imagePromptWeight->setRange(0, 100);
    m_imagePromptWeight->setValue(50);
    m_imagePromptWeightLabel = new QLabel(m_imagePromptRow);
    m_imagePromptWeightLabel->setMinimumWidth(
        m_imagePromptWeightLabel->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));
    auto* imageButtons = new QHBoxLayout;
    imageButtons->addWidget(m_chooseImagePrompt);
    imageButtons->addWidget(m_imagePromptFromCanvas);
    imageButtons->addWidget(m_clearImagePrompt);
    imageButtons->addStretch(1);
    auto* weightRow = new QHBoxLayout;
    weightRow->addWidget(m_imagePromptWeight, 1);
    weightRow->addWidget(m_imagePromptWeightLabel);
    auto* imageControls = new QVBoxLayout;
    imageControls->addLayout(imageButtons);
    imageControls->addLayout(weightRow);
    auto* imageRow = new QHBoxLayout(m_imagePromptRow);
    imageRow->setContentsMargins(0, 0, 0, 0);
    imageRow->addWidget(m_imagePromptThumb);
    imageRow->addLayout(imageControls, 1);
    connect(m_chooseImagePrompt, &QToolButton::clicked, this, &GeneratePanel::chooseImagePrompt);
    connect(m_clearImagePrompt, &QToolButton::clicked, this, [this] { setImagePrompt({}); });
    connect(m_imagePromptWeight, &QSlider::valueChanged, this,
            [this](int value) { m_imagePromptWeightLabel->setText(tr("%1 %").arg(value)); });
    m_imagePromptWeightLabel->setText(tr("%1 %").arg(m_imagePromptWeight->value()));
    setImagePrompt({});

    auto* form = new QFormLayout(m_diffusion);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Negative"), m_negative);
    form->addRow(tr("Steps"), m_steps);
    form->addRow(tr("Guidance"), m_guidance);
    form->addRow(tr("Scheduler"), m_scheduler);
    form->addRow(tr("Strength"), m_strength);
    form->addRow(tr("Mask"), softRow);
    form->addRow(tr("Image prompt"), m_imagePromptRow);
    return m_diffusion;
}

QString GeneratePanel::prompt() const {
    const app::ModelFolder* model = selectedModel();
    if (model && !model->description.acceptsPrompt)
        return {};
    return m_prompt->toPlainText().trimmed();
}

QString GeneratePanel::negativePrompt() const {
    const app::ModelFolder* model = selectedModel();
    if (!model || !model->description.acceptsPrompt)
        return {};
    return m_negative->text().trimmed();
}

void GeneratePanel::setNegativePrompt(const QString& text) {
    m_negative->setText(text);
}

void GeneratePanel::setStyles(const QList<app::StylePreset>& styles, const QStringList& active) {
    m_styles = styles;
    rebuildStyleChips(active);
}

void GeneratePanel::rebuildStyleChips(const QStringList& active) {
    auto* grid = static_cast<QGridLayout*>(m_styleChips->layout());
    while (QLayoutItem* item = grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    constexpr int kColumns = 3;
    int index = 0;
    for (const app::StylePreset& style : m_styles) {
        auto* chip = new QToolButton(m_styleChips);
        chip->setObjectName(QStringLiteral("style:") + style.name);
        chip->setText(style.name);
        chip->setCheckable(true);
        chip->setChecked(active.contains(style.name));
        chip->setAutoRaise(false);
        chip->setToolButtonStyle(Qt::ToolButtonTextOnly);
        chip->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        chip->setToolTip(style.negative.isEmpty()
                             ? tr("Adds: %1").arg(style.prompt)
                             : tr("Adds: %1\nAvoids: %2").arg(style.prompt, style.negative));
        connect(chip, &QToolButton::toggled, this, [this] { saveStyles(); });
        grid->addWidget(chip, index / kColumns, index % kColumns);
        ++index;
    }
    auto* edit = new QToolButton(m_styleChips);
    edit->setObjectName(QStringLiteral("editStyles"));
    edit->setText(tr("Edit…"));
    edit->setToolTip(tr("Add, change or remove styles"));
    connect(edit, &QToolButton::clicked, this, &GeneratePanel::editStyles);
    grid->addWidget(edit, index / kColumns, index % kColumns);
}

QList<app::StylePreset> GeneratePanel::activeStyles() const {
    QList<app::StylePreset> out;
    for (const app::StylePreset& style : m_styles) {
        const auto* chip = m_styleChips->findChild<QToolButton*>(QStringLiteral("style:") + style.name);
        if (chip && chip->isChecked())
            out << style;
    }
    return out;
}

void GeneratePanel::setStyleActive(const QString& name, bool on) {
    if (auto* chip = m_styleChips->findChild<QToolButton*>(QStringLiteral("style:") + name))
        chip->setChecked(on);
}

void GeneratePanel::editStyles() {
    StylesDialog dialog(m_styles, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QStringList active = app::StylePreset::names(activeStyles());
    m_styles = dialog.styles();
    rebuildStyleChips(active);
    saveStyles();
}

void GeneratePanel::saveStyles() const {
    app::Settings settings = app::Settings::load();
    settings.styles = m_styles;
    settings.activeStyles = app::StylePreset::names(activeStyles());
    settings.save();
}

void GeneratePanel::setModels(const QVector<app::ModelFolder>& models) {
    const QString current = backend();
    m_models.clear();
    for (const app::ModelFolder& model : models) {
        if (model.isUsable())
            m_models.append(model);
    }
    {
        const QSignalBlocker blocker(m_backend);
        for (int i = m_backend->count() - 1; i >= 0; --i) {
            if (m_backend->itemData(i).toString().startsWith(kModelPrefix))
                m_backend->removeItem(i);
        }
        if (!m_models.isEmpty())
            m_backend->insertSeparator(m_backend->count());
        for (const app::ModelFolder& model : m_models) {
            m_backend->addItem(model.label(), model.backend);
            m_backend->setItemData(m_backend->count() - 1, model.folder, Qt::ToolTipRole);
        }
        // A separator is left behind when the last model goes.
        const int last = m_backend->count() - 1;
        if (m_models.isEmpty() && last >= 0 && m_backend->itemData(last).isNull() &&
            m_backend->itemText(last).isEmpty())
            m_backend->removeItem(last);
        const int index = m_backend->findData(current);
        m_backend->setCurrentIndex(index >= 0 ? index : 0);
    }
    onBackendChanged();
}

const app::ModelFolder* GeneratePanel::selectedModel() const {
    const QString name = backend();
    for (const app::ModelFolder& model : m_models) {
        if (model.backend == name)
            return &model;
    }
    return nullptr;
}

engine::DiffusionSettings GeneratePanel::diffusionSettings() const {
    engine::DiffusionSettings settings;
    settings.steps = m_steps->value();
    settings.guidanceScale = m_guidance->value() == m_guidance->minimum() ? -1.0 : m_guidance->value();
    settings.scheduler = m_scheduler->currentData().toString().toStdString();
    settings.strength = m_strength->value();
    settings.softMask = m_softMask->isChecked();
    settings.softCurve = m_softCurve->value();
    // A preview costs a decode of the latents: a handful per candidate is enough to watch.
    settings.previewEvery = std::clamp(settings.steps / 6, 1, 5);
    const app::ModelFolder* model = selectedModel();
    if (model && model->description.acceptsImagePrompts && !m_imagePrompt.isNull()) {
        // The weight is the picture's share against the prompt; without a prompt it is all.
        const bool text = !prompt().isEmpty();
        const double weight = text ? m_imagePromptWeight->value() / 100.0 : 1.0;
        settings.imagePrompts.push_back({app::ImageConvert::toEngineRgb(m_imagePrompt), weight});
        if (text)
            settings.textWeight = 1.0 - weight;
    }
    return settings;
}

void GeneratePanel::setSteps(int steps) {
    m_steps->setValue(steps);
}

void GeneratePanel::setGuidanceScale(double scale) {
    m_guidance->setValue(scale < 0 ? m_guidance->minimum() : scale);
}

void GeneratePanel::setScheduler(const QString& name) {
    m_scheduler->setCurrentIndex(std::max(0, m_scheduler->findData(name)));
}

void GeneratePanel::setStrength(double strength) {
    m_strength->setValue(strength);
}

void GeneratePanel::setDiffusionSettings(const engine::DiffusionSettings& settings) {
    setSteps(settings.steps);
    setGuidanceScale(settings.guidanceScale);
    setScheduler(QString::fromStdString(settings.scheduler));
    setStrength(settings.strength);
    setSoftMask(settings.softMask, settings.softCurve);
}

void GeneratePanel::setSoftMask(bool soft, double curve) {
    m_softMask->setChecked(soft);
    m_softCurve->setValue(curve);
}

void GeneratePanel::setImagePrompt(const QImage& image) {
    m_imagePrompt = image;
    if (image.isNull()) {
        m_imagePromptThumb->setPixmap({});
        m_imagePromptThumb->setText(tr("none"));
    } else {
        m_imagePromptThumb->setPixmap(QPixmap::fromImage(
            image.scaled(kThumbSize, kThumbSize, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    }
    m_clearImagePrompt->setEnabled(!image.isNull());
    emit estimateInputsChanged();
}

void GeneratePanel::setImagePromptWeight(double weight) {
    m_imagePromptWeight->setValue(int(std::lround(std::clamp(weight, 0.0, 1.0) * 100)));
}

void GeneratePanel::chooseImagePrompt() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Image Prompt"), QString(),
                                     tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"));
    if (path.isEmpty())
        return;
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage image = reader.read();
    if (image.isNull()) {
        showMessage(tr("Could not read %1: %2").arg(path, reader.errorString()), true);
        return;
    }
    setImagePrompt(image);
}

void GeneratePanel::onBackendChanged() {
    const app::ModelFolder* model = selectedModel();
    m_diffusion->setVisible(model != nullptr);
    const bool textPrompt = !model || model->description.acceptsPrompt;
    m_prompt->setEnabled(textPrompt);
    m_negative->setEnabled(textPrompt);
    m_prompt->setToolTip(textPrompt ? QString()
                                    : tr("%1 takes no text prompt: it makes variations from the "
                                         "picture around the mask and the image prompt.")
                                          .arg(model->label()));
    m_negative->setToolTip(m_prompt->toolTip());
    const bool imagePrompts = model && model->description.acceptsImagePrompts;
    m_imagePromptRow->setEnabled(imagePrompts);
    // Styles are words for the prompt: only a model that reads one takes them.
    m_styleChips->setEnabled(model && model->description.acceptsPrompt);
    m_styleChips->setToolTip(
        m_styleChips->isEnabled()
            ? QString()
            : tr("Styles add words to the prompt; choose a model that takes one."));
    m_imagePromptRow->setToolTip(imagePrompts ? tr("A picture whose look the fill follows; the "
                                                   "weight is its share against the prompt "
                                                   "(without a prompt, the picture leads alone).")
                                              : tr("This model takes no image prompts."));
    // Docks share the window's height; never squeeze the prompt or the message out of sight.
    setMinimumHeight(sizeHint().height());
    emit estimateInputsChanged();
}

QString GeneratePanel::backend() const {
    return m_backend->currentData().toString();
}

void GeneratePanel::setBackend(const QString& name) {
    const int index = m_backend->findData(name);
    if (index >= 0)
        m_backend->setCurrentIndex(index);
}

quint64 GeneratePanel::seed() {
    if (m_randomSeed->isChecked())
        m_seed->setValue(int(QRandomGenerator::global()->bounded(std::numeric_limits<int>::max())));
    return quint64(m_seed->value());
}

void GeneratePanel::setSeed(quint64 seed) {
    // Reusing a seed means keeping it: random is turned off.
    m_randomSeed->setChecked(false);
    m_seed->setValue(int(std::min<quint64>(seed, quint64(std::numeric_limits<int>::max()))));
}

bool GeneratePanel::softMask() const {
    return m_softMask->isChecked();
}

int GeneratePanel::candidateCount() const {
    return m_candidates->value();
}

void GeneratePanel::setPrompt(const QString& prompt) {
    m_prompt->setPlainText(prompt);
}

void GeneratePanel::setCandidateCount(int count) {
    m_candidates->setValue(count);
}

void GeneratePanel::setRunning(bool running) {
    m_running = running;
    m_generate->setText(running ? tr("Cancel") : tr("Generate"));
    updateGenerateButton();
    if (running) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        showMessage(tr("Generating…"), false);
    }
}

void GeneratePanel::setProgress(int step, int total) {
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(std::clamp(step, 0, std::max(total, 1)));
}

void GeneratePanel::showMessage(const QString& text, bool isError) {
    m_message->setStyleSheet(isError ? QStringLiteral("color: #d04040;") : QString());
    m_message->setText(text);
}

namespace {

QString bytesText(std::uint64_t bytes) {
    return app::EngineClient::bytesText(bytes);
}

QString secondsText(double seconds) {
    if (seconds < 1)
        return GeneratePanel::tr("< 1 s");
    if (seconds < 90)
        return GeneratePanel::tr("≈ %1 s").arg(std::lround(seconds));
    const long minutes = std::lround(seconds / 60);
    if (minutes < 60)
        return GeneratePanel::tr("≈ %1 min").arg(minutes);
    return GeneratePanel::tr("≈ %1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

} // namespace

QString GeneratePanel::estimateLine(const engine::JobEstimate& e) {
    QStringList parts;
    if (e.deviceBytes > 0)
        parts << tr("≈ %1 GPU memory").arg(bytesText(e.deviceBytes));
    parts << tr("≈ %1 memory").arg(bytesText(e.hostBytes));
    if (e.secondsKnown)
        parts << (e.firstGuess ? tr("%1, first guess").arg(secondsText(e.seconds))
                               : secondsText(e.seconds));
    return tr("%1 (%2, %3)")
        .arg(parts.join(QStringLiteral(" · ")), QString::fromStdString(e.device),
             QString::fromStdString(e.dtype));
}

void GeneratePanel::setEstimate(const engine::JobEstimate& e, const QString& problem) {
    QString refusal;
    if (!problem.isEmpty()) {
        refusal = problem;
        m_estimate->setText(problem);
        m_estimate->setToolTip(problem);
    } else if (!e.applies) {
        m_estimate->clear();
        m_estimate->setToolTip({});
    } else if (!e.fits) {
        QString advice = QString::fromStdString(e.advice);
        if (!advice.isEmpty())
            advice[0] = advice[0].toUpper();
        refusal = advice;
        m_estimate->setText(tr("⚠ Will not fit. %1.").arg(advice));
        m_estimate->setToolTip(advice);
    } else {
        m_estimate->setText(estimateLine(e));
        QString tip =
            tr("The model's weights take %1 and generating %2 at %3×%4 about %5 more.")
                .arg(bytesText(e.weightBytes), e.batch > 1 ? tr("%1 candidates at once").arg(e.batch)
                                                           : tr("one candidate at a time"))
                .arg(e.width)
                .arg(e.height)
                .arg(bytesText(e.activationBytes));
        if (!e.secondsKnown)
            tip += QLatin1Char(' ') + tr("The time is shown once this device's speed is measured.");
        else if (e.firstGuess)
            tip += QLatin1Char(' ') + tr("The time is a first guess from this device's speed at "
                                         "matrix products; the first job measures it.");
        m_estimate->setToolTip(tip);
    }
    m_estimate->setStyleSheet(refusal.isEmpty() ? QString() : QStringLiteral("color: #d04040;"));
    m_estimate->setVisible(!m_estimate->text().isEmpty());
    m_refusal = refusal;
    updateGenerateButton();
    // A warning takes several lines: the dock must grow, not squeeze the settings above.
    setMinimumHeight(sizeHint().height());
}

QString GeneratePanel::estimateText() const {
    return m_estimate->text();
}

void GeneratePanel::updateGenerateButton() {
    // While a job runs the button is Cancel, which must always work.
    const bool refused = !m_running && !m_refusal.isEmpty();
    m_generate->setEnabled(!refused);
    m_generate->setToolTip(refused ? m_refusal : QString());
}

void GeneratePanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        emit estimateInputsChanged();
}

} // namespace limner::ui
