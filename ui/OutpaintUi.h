#pragma once

#include <QObject>

class QDockWidget;
class QMenu;

namespace limner::app {
class Document;
}

namespace limner::ui {

class MainWindow;
class ReblendPanel;
class StagingPanel;

// The outpainting parts of the editor, wired into the main window: the staging strip and the
// re-blend panel as docks, the Canvas menu with the quick extend actions, and the generation
// frame handed to the generation controller. MainWindow creates one and keeps only wiring.
class OutpaintUi : public QObject {
    Q_OBJECT
public:
    OutpaintUi(MainWindow& window, app::Document& document);

    StagingPanel* stagingPanel() const { return m_staging; }
    ReblendPanel* reblendPanel() const { return m_reblend; }
    QMenu* canvasMenu() const { return m_canvasMenu; }
    // Default step of the quick extend actions, in pixels.
    static constexpr int extendStep() { return 256; }

private:
    void createMenu();
    void acceptStaged(int entryId, int index);
    void rerunStaged(int entryId);
    void reuseSeed(int entryId, int index);
    void extendBy(int left, int top, int right, int bottom);
    void showStatus(const QString& text);

    MainWindow& m_window;
    app::Document& m_document;
    StagingPanel* m_staging;
    ReblendPanel* m_reblend;
    QMenu* m_canvasMenu = nullptr;
};

} // namespace limner::ui
