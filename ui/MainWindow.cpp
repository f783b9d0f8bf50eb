#include "ui/MainWindow.h"

#include "app/Document.h"
#include "app/Settings.h"
#include "app/project/Autosave.h"
#include "ui/CandidateMixerTool.h"
#include "ui/CandidatesPanel.h"
#include "ui/CanvasView.h"
#include "ui/FileController.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationController.h"
#include "ui/LayersPanel.h"
#include "ui/MaskResizeProgress.h"
#include "ui/ModelsPage.h"
#include "ui/OutpaintUi.h"
#include "ui/PreferencesDialog.h"
#include "ui/ProjectsPage.h"
#include "ui/SafetyPage.h"
#include "ui/SmartSelectTool.h"
#include "ui/ToolBox.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QStatusBar>
#include <QUndoStack>
#include <QUndoView>
#include <cmath>

namespace limner::ui {

MainWindow::MainWindow(app::Document& document, app::EngineClient& client, QWidget* parent)
    : QMainWindow(parent)
    , m_document(document)
    , m_canvas(new CanvasView(document, this))
    , m_client(client) {
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    setCentralWidget(m_canvas);
    m_tools = new ToolBox(document, *m_canvas, this);
    m_files = new FileController(document, this);
    addToolBar(Qt::LeftToolBarArea, m_tools->toolsBar());
    addToolBar(Qt::TopToolBarArea, m_tools->optionsBar());
    createDocks();
    createMenus();
    m_outpaint = new OutpaintUi(*this, document);

    m_zoomLabel = new QLabel(this);
    m_positionLabel = new QLabel(this);
    m_sizeLabel = new QLabel(this);
    statusBar()->addPermanentWidget(m_positionLabel);
    statusBar()->addPermanentWidget(m_sizeLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
    m_maskResize = new MaskResizeProgress(document, *statusBar(), this);
    connect(m_generatePanel, &GeneratePanel::imagePromptFromCanvasRequested, this,
            &MainWindow::takeImagePromptFromCanvas);
    connect(&m_tools->mixer(), &CandidateMixerTool::finished, this,
            [this](bool, const QString& message) { statusBar()->showMessage(message, 5000); });
    connect(&m_tools->smartSelect(), &SmartSelectTool::finished, this,
            [this](bool, const QString& message) { statusBar()->showMessage(message, 5000); });
    connect(m_canvas, &CanvasView::zoomChanged, this,
            [this](qreal zoom) { m_zoomLabel->setText(tr("%1 %").arg(std::lround(zoom * 100))); });
    connect(m_canvas, &CanvasView::cursorMoved, this,
            [this](const QPoint& p) { m_positionLabel->setText(tr("%1, %2").arg(p.x()).arg(p.y())); });
    connect(m_files, &FileController::opened, this, &MainWindow::updateTitle);
    connect(m_files, &FileController::saved, this, &MainWindow::updateTitle);
    connect(&m_document, &app::Document::layersChanged, this, &MainWindow::updateTitle);
    connect(m_document.undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(m_files, &FileController::statusMessage, this,
            [this](const QString& t) { statusBar()->showMessage(t, 5000); });
    connect(m_generation, &GenerationController::statusMessage, this,
            [this](const QString& t) { statusBar()->showMessage(t, 5000); });
    updateTitle();
    m_zoomLabel->setText(tr("%1 %").arg(std::lround(m_canvas->zoom() * 100)));
    resize(1400, 1000);
    const app::Settings settings = app::Settings::load();
    restoreGeometry(settings.windowGeometry);
    restoreState(settings.windowState);
}

MainWindow::~MainWindow() {
    // The tools die with the ToolBox; the canvas must not point at them meanwhile.
    m_canvas->setTool(nullptr);
}

bool MainWindow::openFile(const QString& path) {
    return m_files->open(path);
}

void MainWindow::takeImagePromptFromCanvas(bool activeLayer) {
    if (m_document.canvasSize().isEmpty())
        return;
    if (activeLayer) {
        const app::Layer* layer = m_document.layerById(m_document.activeLayerId());
        if (!layer)
            return;
        // The layer's painted part: its transparent margin would only dilute the reference.
        QRect painted;
        const QImage argb = layer->pixels.convertToFormat(QImage::Format_ARGB32);
        for (int y = 0; y < argb.height(); ++y) {
            const auto* row = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
            for (int x = 0; x < argb.width(); ++x) {
                if (qAlpha(row[x]) > 0)
                    painted |= QRect(x, y, 1, 1);
            }
        }
        if (painted.isEmpty()) {
            statusBar()->showMessage(tr("The active layer is empty."), 5000);
            return;
        }
        m_generatePanel->setImagePrompt(argb.copy(painted));
        statusBar()->showMessage(tr("The layer \"%1\" is the image prompt.").arg(layer->name), 5000);
        return;
    }
    statusBar()->showMessage(tr("Drag over the part of the picture the fill should look like."));
    m_tools->pickRegion(m_document.canvasSize(), [this](const QRect& rect) {
        if (rect.isNull()) {
            statusBar()->showMessage(tr("No region chosen."), 3000);
            return;
        }
        m_generatePanel->setImagePrompt(m_document.flatten(rect));
        statusBar()->showMessage(
            tr("%1×%2 px of the picture are the image prompt.").arg(rect.width()).arg(rect.height()),
            5000);
    });
}

void MainWindow::createDocks() {
    m_generatePanel = new GeneratePanel(this);
    m_candidatesPanel = new CandidatesPanel(this);
    m_layersPanel = new LayersPanel(m_document, this);
    auto* history = new QUndoView(m_document.undoStack(), this);
    history->setObjectName(QStringLiteral("historyView"));
    history->setEmptyLabel(tr("Opened"));
    m_generation = new GenerationController(m_document, m_client, *m_generatePanel, *m_candidatesPanel,
                                            *m_canvas, this);

    auto dock = [this](QWidget* widget, const QString& title, const QString& name) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                       QDockWidget::DockWidgetClosable);
        addDockWidget(Qt::RightDockWidgetArea, d);
        return d;
    };
    dock(m_generatePanel, tr("Generate"), QStringLiteral("generateDock"));
    dock(m_candidatesPanel, tr("Candidates"), QStringLiteral("candidatesDock"));
    QDockWidget* layersDock = dock(m_layersPanel, tr("Layers"), QStringLiteral("layersDock"));
    QDockWidget* historyDock = dock(history, tr("History"), QStringLiteral("historyDock"));
    // Side by side: four docks stacked would squeeze the generate panel on a laptop screen.
    splitDockWidget(layersDock, historyDock, Qt::Horizontal);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, m_files, &FileController::openWithDialog);
    file->addMenu(m_files->recentFilesMenu());
    file->addAction(tr("&Save"), QKeySequence::Save, m_files, &FileController::save);
    file->addAction(tr("Save &As…"), QKeySequence::SaveAs, m_files, &FileController::saveAs);
    file->addAction(tr("&Export…"), QKeySequence(tr("Ctrl+Shift+E")), m_files,
                    &FileController::exportWithDialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document.undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_document.undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("&Preferences…"), QKeySequence::Preferences, this, &MainWindow::showPreferences)
        ->setMenuRole(QAction::PreferencesRole);

    QMenu* mask = menuBar()->addMenu(tr("&Mask"));
    mask->addActions(m_tools->toolActions());
    mask->addSeparator();
    mask->addAction(tr("&Invert"), QKeySequence(tr("Ctrl+I")), this,
                    [this] { m_document.invertMask(); });
    mask->addAction(tr("&Clear"), QKeySequence(tr("Ctrl+Shift+A")), this,
                    [this] { m_document.clearMask(); });
    mask->addAction(tr("&Grow…"), this, [this] { askAndResizeMask(true); });
    mask->addAction(tr("&Shrink…"), this, [this] { askAndResizeMask(false); });
    QAction* overlay = mask->addAction(tr("Show &Overlay"));
    overlay->setCheckable(true);
    overlay->setChecked(true);
    overlay->setShortcut(QKeySequence(tr("Ctrl+H")));
    connect(overlay, &QAction::toggled, m_canvas, &CanvasView::setMaskOverlayVisible);

    QMenu* layer = menuBar()->addMenu(tr("&Layer"));
    layer->addAction(tr("&Duplicate"), QKeySequence(tr("Ctrl+J")), m_layersPanel,
                     &LayersPanel::duplicateActive);
    layer->addAction(tr("&Delete"), m_layersPanel, &LayersPanel::deleteActive);
    layer->addAction(tr("&Merge Down"), QKeySequence(tr("Ctrl+E")), m_layersPanel,
                     &LayersPanel::mergeActiveDown);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("Zoom &In"), QKeySequence(tr("Ctrl+=")), m_canvas, &CanvasView::zoomIn)
        ->setShortcuts({QKeySequence(tr("Ctrl+=")), QKeySequence(tr("Ctrl++")), QKeySequence::ZoomIn});
    view->addAction(tr("Zoom &Out"), QKeySequence(tr("Ctrl+-")), m_canvas, &CanvasView::zoomOut);
    view->addAction(tr("&Fit to Window"), QKeySequence(tr("Ctrl+0")), m_canvas, &CanvasView::zoomToFit);
    view->addAction(tr("&Actual Size (100 %)"), QKeySequence(tr("Ctrl+1")), m_canvas,
                    &CanvasView::zoomToActualSize);

    QMenu* generate = menuBar()->addMenu(tr("&Generate"));
    generate->addAction(tr("&Generate"), QKeySequence(tr("Ctrl+Return")), m_generation,
                        &GenerationController::generate);
    generate->addAction(tr("&Cancel"), QKeySequence(tr("Ctrl+.")), m_generation,
                        &GenerationController::cancel);
}

void MainWindow::showPreferences() {
    if (!m_preferences) {
        m_preferences = new PreferencesDialog(this);
        auto* projects = new ProjectsPage;
        m_preferences->addPage(projects, tr("Projects"));
        m_preferences->addPage(new ModelsPage(m_client), tr("Models"));
        m_preferences->addPage(new SafetyPage, tr("Safety"));
        connect(projects, &ProjectsPage::autosaveIntervalChanged, this, [this](int seconds) {
            m_files->autosave()->setInterval(std::chrono::seconds(seconds));
        });
    }
    m_preferences->show();
    m_preferences->raise();
    m_preferences->activateWindow();
}

void MainWindow::askAndResizeMask(bool grow) {
    if (m_maskResize->isRunning()) {
        statusBar()->showMessage(tr("The mask is still changing; try again when it is done."), 5000);
        return;
    }
    bool ok = false;
    const int px = QInputDialog::getInt(this, grow ? tr("Grow Mask") : tr("Shrink Mask"),
                                        tr("By (pixels):"), 8, 1, 1000, 1, &ok);
    if (ok)
        m_maskResize->start(grow, px);
}

void MainWindow::updateTitle() {
    const QString name =
        m_document.filePath().isEmpty() ? tr("Untitled") : QFileInfo(m_document.filePath()).fileName();
    setWindowTitle(
        tr("%1%2 — Limner").arg(name, m_document.undoStack()->isClean() ? QString() : tr(" *")));
    const QSize s = m_document.canvasSize();
    if (m_sizeLabel)
        m_sizeLabel->setText(s.isEmpty() ? QString() : tr("%1×%2").arg(s.width()).arg(s.height()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile())
        return;
    if (m_files->confirmDiscardChanges())
        m_files->open(urls.first().toLocalFile());
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_generation->cancel();
    if (!m_files->confirmDiscardChanges()) {
        event->ignore();
        return;
    }
    app::Settings settings = app::Settings::load();
    settings.windowGeometry = saveGeometry();
    settings.windowState = saveState();
    settings.save();
    event->accept();
}

} // namespace limner::ui
