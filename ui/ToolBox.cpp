#include "ui/ToolBox.h"

#include "app/Document.h"
#include "ui/CandidateMixerTool.h"
#include "ui/CanvasView.h"
#include "ui/GenerationFrameTool.h"
#include "ui/MaskBrushTool.h"
#include "ui/RegionPickTool.h"
#include "ui/ShapeSelectTool.h"
#include "ui/SmartSelectTool.h"
#include "ui/ToolIcons.h"

#include <QAction>
#include <QActionGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QToolBar>
#include <QToolButton>
#include <cmath>
#include <utility>

namespace limner::ui {

ToolBox::ToolBox(app::Document& document, CanvasView& canvas, QWidget* actionParent)
    : QObject(actionParent)
    , m_canvas(&canvas)
    , m_brush(std::make_unique<MaskBrushTool>(document, MaskBrushTool::Mode::Paint))
    , m_eraser(std::make_unique<MaskBrushTool>(document, MaskBrushTool::Mode::Erase))
    , m_rectangle(std::make_unique<ShapeSelectTool>(document, ShapeSelectTool::Shape::Rectangle))
    , m_lasso(std::make_unique<ShapeSelectTool>(document, ShapeSelectTool::Shape::Lasso))
    , m_smart(std::make_unique<SmartSelectTool>(document))
    , m_mixer(std::make_unique<CandidateMixerTool>(document))
    , m_regionPick(std::make_unique<RegionPickTool>())
    , m_frame(std::make_unique<GenerationFrameTool>(document))
    , m_actionParent(actionParent)
    , m_group(new QActionGroup(this)) {
    m_brushAction = makeToolAction(tr("Mask &Brush"), QStringLiteral("B"), QStringLiteral("toolBrush"));
    m_eraserAction =
        makeToolAction(tr("Mask &Eraser"), QStringLiteral("E"), QStringLiteral("toolEraser"));
    m_rectangleAction = makeToolAction(tr("&Rectangle Selection"), QStringLiteral("M"),
                                       QStringLiteral("toolRectangle"));
    m_lassoAction =
        makeToolAction(tr("&Lasso Selection"), QStringLiteral("L"), QStringLiteral("toolLasso"));
    m_smartAction = makeToolAction(tr("&Smart Selection"), QStringLiteral("S"),
                                   QStringLiteral("toolSmartSelection"));
    m_smartAction->setIcon(ToolIcons::smartSelection());
    m_smartAction->setToolTip(tr("Select an object by dragging a box around it, then click to "
                                 "correct (Alt+click: not the object); or pick a magic wand or a "
                                 "colour. Adds to the mask; Alt subtracts (S)"));
    m_mixerAction = makeToolAction(tr("Candidate Mi&xer"), QStringLiteral("J"),
                                   QStringLiteral("toolCandidateMixer"));
    m_mixerAction->setIcon(ToolIcons::candidateMixer());
    m_mixerAction->setToolTip(tr("Paint parts of another staged candidate into the layer you "
                                 "accepted from the same job (J)"));
    m_frameAction = makeToolAction(tr("Generation &Frame"), QStringLiteral("F"),
                                   QStringLiteral("toolGenerationFrame"));
    m_frameAction->setIcon(GenerationFrameTool::icon());
    m_frameAction->setToolTip(
        tr("Place the generation frame; past the edge, Generate extends the picture (F)"));
    m_brushAction->setIcon(ToolIcons::maskBrush());
    m_eraserAction->setIcon(ToolIcons::maskEraser());
    m_rectangleAction->setIcon(ToolIcons::rectangleSelection());
    m_lassoAction->setIcon(ToolIcons::lassoSelection());
    m_brushAction->setToolTip(tr("Paint the area to regenerate (B)"));
    m_eraserAction->setToolTip(tr("Remove from the mask (E)"));
    m_rectangleAction->setToolTip(tr("Add a rectangle to the mask; Alt subtracts (M)"));
    m_lassoAction->setToolTip(tr("Add a freehand shape to the mask; Alt subtracts (L)"));

    m_toolsBar = new QToolBar(tr("Tools"), actionParent);
    m_toolsBar->setObjectName(QStringLiteral("toolsBar"));
    m_toolsBar->setIconSize(QSize(28, 28));
    m_toolsBar->setToolButtonStyle(Qt::ToolButtonIconOnly);
    m_toolsBar->addActions(toolActions());

    m_optionsBar = new QToolBar(tr("Tool Options"), actionParent);
    m_optionsBar->setObjectName(QStringLiteral("toolOptionsBar"));
    m_size = new QSpinBox(m_optionsBar);
    m_size->setObjectName(QStringLiteral("brushSize"));
    m_size->setRange(1, 2000);
    m_size->setSuffix(tr(" px"));
    m_size->setValue(m_brush->diameter());
    m_hardness = new QSlider(Qt::Horizontal, m_optionsBar);
    m_hardness->setObjectName(QStringLiteral("brushHardness"));
    m_hardness->setRange(0, 100);
    m_hardness->setValue(int(std::lround(m_brush->hardness() * 100)));
    m_hardness->setFixedWidth(120);
    m_subtract = new QCheckBox(tr("Subtract"), m_optionsBar);
    m_subtract->setObjectName(QStringLiteral("selectionSubtract"));
    auto* sizeLabel = new QLabel(tr(" Size "), m_optionsBar);
    auto* hardnessLabel = new QLabel(tr("  Hardness "), m_optionsBar);
    m_brushOptions << m_optionsBar->addWidget(sizeLabel);
    m_sizeAction = m_optionsBar->addWidget(m_size);
    m_brushOptions << m_optionsBar->addWidget(hardnessLabel);
    m_hardnessAction = m_optionsBar->addWidget(m_hardness);
    m_subtractAction = m_optionsBar->addWidget(m_subtract);
    createFrameOptions();
    createSmartSelectOptions();
    createMixerOptions();
    connect(&document, &app::Document::activeLayerChanged, this, [this] { refreshMixerCandidates(); });

    connect(m_size, qOverload<int>(&QSpinBox::valueChanged), this, [this](int px) {
        m_brush->setDiameter(px);
        m_eraser->setDiameter(px);
        m_mixer->setDiameter(px);
        m_canvas->update();
    });
    connect(m_hardness, &QSlider::valueChanged, this, [this](int value) {
        m_brush->setHardness(value / 100.0);
        m_eraser->setHardness(value / 100.0);
        m_canvas->update();
    });
    connect(m_subtract, &QCheckBox::toggled, this, [this](bool on) {
        m_rectangle->setSubtract(on);
        m_lasso->setSubtract(on);
        m_smart->setSubtract(on);
    });

    // [ and ] scale the brush by a constant ratio, so small and large brushes feel the same.
    auto* smaller = new QAction(tr("Smaller Brush"), actionParent);
    smaller->setShortcut(QKeySequence(QStringLiteral("[")));
    connect(smaller, &QAction::triggered, this, [this] {
        setBrushDiameter(std::min(brushDiameter() - 1, int(std::lround(brushDiameter() / 1.2))));
    });
    auto* larger = new QAction(tr("Larger Brush"), actionParent);
    larger->setShortcut(QKeySequence(QStringLiteral("]")));
    connect(larger, &QAction::triggered, this, [this] {
        setBrushDiameter(std::max(brushDiameter() + 1, int(std::lround(brushDiameter() * 1.2))));
    });
    actionParent->addAction(smaller);
    actionParent->addAction(larger);

    m_brushAction->setChecked(true);
    activate(m_brushAction);
}

ToolBox::~ToolBox() {
    // Runs while the window's widgets are being torn down, when repainting is no longer
    // possible: only drop the canvas's pointer to the tools that are about to go.
    if (m_canvas)
        m_canvas->forgetTool();
}

QList<QAction*> ToolBox::toolActions() const {
    return {m_brushAction, m_eraserAction, m_rectangleAction, m_lassoAction,
            m_smartAction, m_mixerAction,  m_frameAction};
}

void ToolBox::pickRegion(const QSize& canvasSize, std::function<void(const QRect&)> done) {
    m_regionPicked = std::move(done);
    m_regionPick->setCanvasSize(canvasSize);
    m_regionPick->disconnect(this);
    const auto finish = [this](const QRect& rect) {
        m_regionPick->disconnect(this);
        if (QAction* chosen = m_group->checkedAction())
            activate(chosen);
        if (auto done = std::exchange(m_regionPicked, {}))
            done(rect);
    };
    connect(m_regionPick.get(), &RegionPickTool::picked, this, finish);
    connect(m_regionPick.get(), &RegionPickTool::abandoned, this, [finish] { finish(QRect()); });
    m_canvas->setTool(m_regionPick.get());
    m_canvas->setFocus();
}

void ToolBox::setBrushDiameter(int px) {
    m_size->setValue(px);
}

int ToolBox::brushDiameter() const {
    return m_size->value();
}

QAction* ToolBox::makeToolAction(const QString& text, const QString& shortcut,
                                 const QString& objectName) {
    auto* action = new QAction(text, m_actionParent);
    action->setObjectName(objectName);
    action->setShortcut(QKeySequence(shortcut));
    action->setCheckable(true);
    m_group->addAction(action);
    m_actionParent->addAction(action);
    connect(action, &QAction::triggered, this, [this, action] { activate(action); });
    return action;
}

void ToolBox::activate(QAction* action) {
    if (action == m_brushAction)
        m_canvas->setTool(m_brush.get());
    else if (action == m_eraserAction)
        m_canvas->setTool(m_eraser.get());
    else if (action == m_rectangleAction)
        m_canvas->setTool(m_rectangle.get());
    else if (action == m_lassoAction)
        m_canvas->setTool(m_lasso.get());
    else if (action == m_smartAction)
        m_canvas->setTool(m_smart.get());
    else if (action == m_mixerAction) {
        refreshMixerCandidates();
        m_canvas->setTool(m_mixer.get());
    } else if (action == m_frameAction) {
        m_frame->ensureFrame();
        m_canvas->setTool(m_frame.get());
        m_canvas->update();
    }
    syncOptions();
}

void ToolBox::syncOptions() {
    const bool mixer = m_mixerAction->isChecked();
    const bool brushLike = m_brushAction->isChecked() || m_eraserAction->isChecked() || mixer;
    m_sizeAction->setVisible(brushLike);
    for (QAction* label : m_brushOptions)
        label->setVisible(brushLike);
    m_hardnessAction->setVisible(brushLike);
    const bool frame = m_frameAction->isChecked();
    m_subtractAction->setVisible(!brushLike && !frame);
    for (QAction* option : m_frameOptions)
        option->setVisible(frame);
    for (QAction* option : m_smartOptions)
        option->setVisible(m_smartAction->isChecked());
    for (QAction* option : m_mixerOptions)
        option->setVisible(mixer);
    // The mixer's brush has its own soft edge: no hardness (its label is the last brush option).
    m_hardnessAction->setVisible(brushLike && !mixer);
    m_brushOptions.last()->setVisible(brushLike && !mixer);
    m_subtractAction->setVisible(!brushLike && !frame);
}

void ToolBox::createMixerOptions() {
    auto* candidate = new QComboBox(m_optionsBar);
    candidate->setObjectName(QStringLiteral("mixerCandidate"));
    candidate->setToolTip(tr("The staged candidate to paint in"));
    m_mixerOptions << m_optionsBar->addWidget(new QLabel(tr("  Paint with "), m_optionsBar))
                   << m_optionsBar->addWidget(candidate);
    connect(candidate, qOverload<int>(&QComboBox::currentIndexChanged), this, [this, candidate] {
        if (candidate->currentIndex() >= 0)
            m_mixer->setCandidate(candidate->currentData().toInt());
    });
}

void ToolBox::refreshMixerCandidates() {
    auto* candidate = m_optionsBar->findChild<QComboBox*>(QStringLiteral("mixerCandidate"));
    const int count = m_mixer->candidateCount();
    const int keep = m_mixer->candidate();
    const QSignalBlocker blocker(candidate);
    candidate->clear();
    for (int i = 0; i < count; ++i)
        candidate->addItem(tr("candidate %1").arg(i + 1), i);
    candidate->setEnabled(count > 0);
    if (count == 0)
        candidate->addItem(tr("(no staged candidates for this layer)"), -1);
    const int index = std::clamp(keep, 0, std::max(0, count - 1));
    candidate->setCurrentIndex(index);
    if (count > 0)
        m_mixer->setCandidate(index);
}

void ToolBox::createSmartSelectOptions() {
    using Mode = SmartSelectTool::Mode;
    auto* mode = new QComboBox(m_optionsBar);
    mode->setObjectName(QStringLiteral("smartSelectMode"));
    mode->addItem(tr("Object (drag a box)"), int(Mode::Object));
    mode->addItem(tr("Magic wand (click)"), int(Mode::Wand));
    mode->addItem(tr("Colour (click)"), int(Mode::Color));
    auto* tolerance = new QSpinBox(m_optionsBar);
    tolerance->setObjectName(QStringLiteral("smartSelectTolerance"));
    tolerance->setRange(0, 255);
    tolerance->setValue(m_smart->tolerance());
    tolerance->setToolTip(tr("How far a colour may differ from the one clicked (0–255 per channel)"));
    auto* global = new QCheckBox(tr("Whole picture"), m_optionsBar);
    global->setObjectName(QStringLiteral("smartSelectGlobal"));
    global->setToolTip(tr("Magic wand: every pixel of that colour, not only the connected area"));
    auto* refine = new QToolButton(m_optionsBar);
    refine->setObjectName(QStringLiteral("refineEdge"));
    refine->setText(tr("Refine Edge"));
    refine->setToolTip(tr("Snap the mask's border to the edges in the picture"));
    auto* toleranceLabel = new QLabel(tr("  Tolerance "), m_optionsBar);
    m_smartOptions << m_optionsBar->addWidget(mode) << m_optionsBar->addWidget(toleranceLabel)
                   << m_optionsBar->addWidget(tolerance) << m_optionsBar->addWidget(global)
                   << m_optionsBar->addWidget(refine);
    const auto syncMode = [=] {
        const Mode chosen = Mode(mode->currentData().toInt());
        m_smart->setMode(chosen);
        toleranceLabel->setEnabled(chosen != Mode::Object);
        tolerance->setEnabled(chosen != Mode::Object);
        global->setEnabled(chosen == Mode::Wand);
    };
    connect(mode, qOverload<int>(&QComboBox::currentIndexChanged), this, syncMode);
    connect(tolerance, qOverload<int>(&QSpinBox::valueChanged), this,
            [this](int value) { m_smart->setTolerance(value); });
    connect(global, &QCheckBox::toggled, this, [this](bool on) { m_smart->setGlobal(on); });
    connect(refine, &QToolButton::clicked, this, [this] { m_smart->refineMask(); });
    syncMode();
}

void ToolBox::createFrameOptions() {
    using engine::imaging::ColorMatchMode;
    using engine::imaging::SeedMethod;
    auto* seed = new QComboBox(m_optionsBar);
    seed->setObjectName(QStringLiteral("frameSeedMethod"));
    const std::pair<QString, SeedMethod> seeds[] = {{tr("Edge extend"), SeedMethod::EdgeExtend},
                                                    {tr("Reflect"), SeedMethod::Reflect},
                                                    {tr("Telea"), SeedMethod::Telea},
                                                    {tr("FSR"), SeedMethod::Fsr},
                                                    {tr("Blurred mean"), SeedMethod::BlurredMean},
                                                    {tr("Noise"), SeedMethod::Noise}};
    for (const auto& [label, method] : seeds)
        seed->addItem(label, int(method));
    auto* colour = new QComboBox(m_optionsBar);
    colour->setObjectName(QStringLiteral("frameColorMatch"));
    colour->addItem(tr("Colour match: statistics"), int(ColorMatchMode::Statistics));
    colour->addItem(tr("Colour match: histogram"), int(ColorMatchMode::Histogram));
    colour->addItem(tr("No colour match"), int(ColorMatchMode::Off));
    auto* poisson = new QCheckBox(tr("Poisson blend"), m_optionsBar);
    poisson->setObjectName(QStringLiteral("framePoisson"));
    m_frameOptions << m_optionsBar->addWidget(new QLabel(tr(" Seed new area "), m_optionsBar))
                   << m_optionsBar->addWidget(seed) << m_optionsBar->addWidget(colour)
                   << m_optionsBar->addWidget(poisson);
    connect(seed, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this, seed] { m_frame->seedMethod = SeedMethod(seed->currentData().toInt()); });
    connect(colour, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this, colour] { m_frame->colorMatch = ColorMatchMode(colour->currentData().toInt()); });
    connect(poisson, &QCheckBox::toggled, this, [this](bool on) { m_frame->poisson = on; });
    m_frame->frameChanged = [this](const QRect&) {
        if (m_canvas)
            m_canvas->update();
    };
}

} // namespace limner::ui
