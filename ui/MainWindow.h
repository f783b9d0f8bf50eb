#pragma once

#include <QMainWindow>

class QLabel;

namespace limner::app {
class Document;
class EngineClient;
} // namespace limner::app

namespace limner::ui {

class CandidatesPanel;
class CanvasView;
class FileController;
class GeneratePanel;
class GenerationController;
class LayersPanel;
class MaskResizeProgress;
class OutpaintUi;
class PreferencesDialog;
class ToolBox;

// The editor window. It only builds and wires: the canvas in the middle, the generate,
// candidates, layers and history panels docked at the side, menus and the status bar.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(app::Document& document, app::EngineClient& client, QWidget* parent = nullptr);
    ~MainWindow() override;

    bool openFile(const QString& path);
    // Edit ▸ Preferences: shows the dialog (made on first use, kept for the window's lifetime).
    void showPreferences();

    CanvasView* canvas() const { return m_canvas; }
    ToolBox* tools() const { return m_tools; }
    GeneratePanel* generatePanel() const { return m_generatePanel; }
    CandidatesPanel* candidatesPanel() const { return m_candidatesPanel; }
    LayersPanel* layersPanel() const { return m_layersPanel; }
    GenerationController* generation() const { return m_generation; }
    FileController* files() const { return m_files; }
    OutpaintUi* outpaint() const { return m_outpaint; }
    MaskResizeProgress* maskResize() const { return m_maskResize; }
    PreferencesDialog* preferences() const { return m_preferences; } // null until first shown

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createMenus();
    void askAndResizeMask(bool grow);
    // "Fill like this": a dragged region of the picture, or the active layer's painted part,
    // becomes the generate panel's image prompt.
    void takeImagePromptFromCanvas(bool activeLayer);
    void updateTitle();

    app::Document& m_document;
    CanvasView* m_canvas;
    ToolBox* m_tools = nullptr;
    FileController* m_files = nullptr;
    GeneratePanel* m_generatePanel = nullptr;
    CandidatesPanel* m_candidatesPanel = nullptr;
    LayersPanel* m_layersPanel = nullptr;
    GenerationController* m_generation = nullptr;
    OutpaintUi* m_outpaint = nullptr;
    MaskResizeProgress* m_maskResize = nullptr;
    PreferencesDialog* m_preferences = nullptr;
    app::EngineClient& m_client;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_positionLabel = nullptr;
    QLabel* m_sizeLabel = nullptr;
};

} // namespace limner::ui
