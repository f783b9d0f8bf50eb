#include "ui/OutpaintUi.h"

#include "app/CanvasMargins.h"
#include "app/Document.h"
#include "app/StagingActions.h"
#include "ui/CanvasView.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationController.h"
#include "ui/GenerationFrameTool.h"
#include "ui/MainWindow.h"
#include "ui/ReblendPanel.h"
#include "ui/StagingPanel.h"
#include "ui/ToolBox.h"

#include <QAction>
#include <QDockWidget>
#include <QInputDialog>
#include <QMenuBar>
#include <QStatusBar>

namespace limner::ui {

OutpaintUi::OutpaintUi(MainWindow& window, app::Document& document)
    : QObject(&window)
    , m_window(window)
    , m_document(document)
    , m_staging(new StagingPanel(document, &window))
    , m_reblend(new ReblendPanel(document, &window)) {
    GenerationController* generation = window.generation();
    GenerationFrameTool& frame = window.tools()->frame();
    generation->setFrameTool(&frame);
    frame.setNativeSize(generation->frameSizeForBackend());
    // Zoom to fit shows the whole generation frame while it is the canvas's tool, also where it
    // reaches past the picture.
    CanvasView* canvas = window.canvas();
    canvas->setFitExtension(
        [canvas, &frame] { return canvas->tool() == &frame ? frame.frame() : QRect(); });
    connect(window.tools()->frameAction(), &QAction::triggered, this, [this] {
        m_window.tools()->frame().setNativeSize(m_window.generation()->frameSizeForBackend());
        showStatus(tr("Drag the frame past the edge of the picture and press Generate to extend it."));
    });

    auto dock = [&](QWidget* widget, const QString& title, const QString& name,
                    Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, &window);
        d->setObjectName(name);
        d->setWidget(widget);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
        window.addDockWidget(area, d);
        return d;
    };
    dock(m_staging, tr("Staging"), QStringLiteral("stagingDock"), Qt::BottomDockWidgetArea);
    dock(m_reblend, tr("Re-blend"), QStringLiteral("reblendDock"), Qt::RightDockWidgetArea);

    connect(m_staging, &StagingPanel::acceptRequested, this, &OutpaintUi::acceptStaged);
    connect(m_staging, &StagingPanel::rerunRequested, this, &OutpaintUi::rerunStaged);
    connect(m_staging, &StagingPanel::reuseSeedRequested, this, &OutpaintUi::reuseSeed);
    connect(m_reblend, &ReblendPanel::statusMessage, this, &OutpaintUi::showStatus);
    createMenu();
}

void OutpaintUi::createMenu() {
    m_canvasMenu = m_window.menuBar()->addMenu(tr("&Canvas"));
    m_canvasMenu->addAction(m_window.tools()->frameAction());
    m_canvasMenu->addSeparator();
    struct Side {
        QString text;
        QString name;
        int l, t, r, b;
    };
    const Side sides[] = {{tr("Extend &Left…"), QStringLiteral("extendLeft"), 1, 0, 0, 0},
                          {tr("Extend &Right…"), QStringLiteral("extendRight"), 0, 0, 1, 0},
                          {tr("Extend &Top…"), QStringLiteral("extendTop"), 0, 1, 0, 0},
                          {tr("Extend &Bottom…"), QStringLiteral("extendBottom"), 0, 0, 0, 1}};
    for (const Side& side : sides) {
        QAction* action = m_canvasMenu->addAction(side.text);
        action->setObjectName(side.name);
        connect(action, &QAction::triggered, this, [this, side] {
            bool ok = false;
            const int px = QInputDialog::getInt(&m_window, tr("Extend Canvas"), tr("By (pixels):"),
                                                extendStep(), 1, 4096, 16, &ok);
            if (ok)
                extendBy(side.l * px, side.t * px, side.r * px, side.b * px);
        });
    }
}

void OutpaintUi::extendBy(int left, int top, int right, int bottom) {
    m_window.generation()->extend(app::CanvasMargins{left, top, right, bottom});
}

void OutpaintUi::acceptStaged(int entryId, int index) {
    QString error;
    const int id = app::acceptStagedCandidate(m_document, entryId, index, &error);
    if (id < 0) {
        showStatus(error);
        return;
    }
    showStatus(tr("Added the staged candidate as layer \"%1\".").arg(m_document.layerById(id)->name));
}

void OutpaintUi::rerunStaged(int entryId) {
    const app::StagingEntry* entry = m_document.stagingHistory().find(entryId);
    if (!entry)
        return;
    QString error;
    const app::OutpaintJob job = app::rerunStagedJob(m_document, *entry, &error);
    if (!job.isValid()) {
        showStatus(error);
        return;
    }
    // The panel shows what runs, so the next Generate starts from the same settings.
    GeneratePanel* panel = m_window.generatePanel();
    panel->setPrompt(entry->prompt);
    panel->setNegativePrompt(entry->negativePrompt);
    panel->setBackend(entry->backend);
    panel->setDiffusionSettings(entry->diffusion);
    QRect frame;
    if (entry->isOutpaint())
        frame = entry->frame.translated(
            m_document.canvasSize() == entry->sourceCanvas ? QPoint() : entry->growth.shift());
    m_window.generation()->run(job, frame);
}

void OutpaintUi::reuseSeed(int entryId, int index) {
    const app::StagingEntry* entry = m_document.stagingHistory().find(entryId);
    if (!entry)
        return;
    GeneratePanel* panel = m_window.generatePanel();
    panel->setPrompt(entry->prompt);
    panel->setBackend(entry->backend);
    panel->setSeed(entry->seed + quint64(qMax(0, index)));
    showStatus(
        tr("Seed %1 is set for the next generation.").arg(entry->seed + quint64(qMax(0, index))));
}

void OutpaintUi::showStatus(const QString& text) {
    m_window.statusBar()->showMessage(text, 6000);
}

} // namespace limner::ui
