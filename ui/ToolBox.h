#pragma once

#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>

class QAction;
class QActionGroup;
class QCheckBox;
class QSlider;
class QSpinBox;
class QToolBar;
class QWidget;

namespace limner::app {
class Document;
}

namespace limner::ui {

class CanvasView;
class GenerationFrameTool;
class MaskBrushTool;
class ShapeSelectTool;
class SmartSelectTool;
class CandidateMixerTool;
class RegionPickTool;

// The mask tools, their actions (B, E, M, L; [ and ] for the brush size) and the tool
// options bar (size, hardness, add/subtract). Selecting an action hands its tool to the canvas.
class ToolBox : public QObject {
    Q_OBJECT
public:
    ToolBox(app::Document& document, CanvasView& canvas, QWidget* actionParent);
    ~ToolBox() override;

    QToolBar* toolsBar() const { return m_toolsBar; }
    QToolBar* optionsBar() const { return m_optionsBar; }
    QAction* brushAction() const { return m_brushAction; }
    QAction* eraserAction() const { return m_eraserAction; }
    QAction* rectangleAction() const { return m_rectangleAction; }
    QAction* lassoAction() const { return m_lassoAction; }
    QAction* frameAction() const { return m_frameAction; }
    GenerationFrameTool& frame() const { return *m_frame; }
    QList<QAction*> toolActions() const;

    MaskBrushTool& brush() const { return *m_brush; }
    MaskBrushTool& eraser() const { return *m_eraser; }
    SmartSelectTool& smartSelect() const { return *m_smart; }
    CandidateMixerTool& mixer() const { return *m_mixer; }
    QAction* mixerAction() const { return m_mixerAction; }
    // Lets the user drag one rectangle on the canvas, then gives the chosen tool back: done gets
    // the rectangle (canvas pixels), or a null one when the user gave up (Esc, a mere click).
    void pickRegion(const QSize& canvasSize, std::function<void(const QRect&)> done);

    void setBrushDiameter(int px);
    int brushDiameter() const;

private:
    void createFrameOptions();
    void createSmartSelectOptions();
    void createMixerOptions();
    void refreshMixerCandidates();
    QAction* makeToolAction(const QString& text, const QString& shortcut, const QString& objectName);
    void activate(QAction* action);
    void syncOptions();

    QPointer<CanvasView> m_canvas; // may be destroyed first, as a sibling child of the window
    std::unique_ptr<MaskBrushTool> m_brush;
    std::unique_ptr<MaskBrushTool> m_eraser;
    std::unique_ptr<ShapeSelectTool> m_rectangle;
    std::unique_ptr<ShapeSelectTool> m_lasso;
    std::unique_ptr<SmartSelectTool> m_smart;
    std::unique_ptr<CandidateMixerTool> m_mixer;
    std::unique_ptr<RegionPickTool> m_regionPick;
    std::function<void(const QRect&)> m_regionPicked;
    std::unique_ptr<GenerationFrameTool> m_frame;
    QWidget* m_actionParent;
    QActionGroup* m_group;
    QAction* m_brushAction;
    QAction* m_eraserAction;
    QAction* m_rectangleAction;
    QAction* m_lassoAction;
    QAction* m_smartAction;
    QAction* m_mixerAction;
    QList<QAction*> m_mixerOptions;
    QAction* m_frameAction;
    QList<QAction*> m_smartOptions;
    QList<QAction*> m_frameOptions;
    QList<QAction*> m_brushOptions; // the size and hardness labels
    QToolBar* m_toolsBar;
    QToolBar* m_optionsBar;
    QSpinBox* m_size;
    QSlider* m_hardness;
    QCheckBox* m_subtract;
    QAction* m_sizeAction;
    QAction* m_hardnessAction;
    QAction* m_subtractAction;
};

} // namespace limner::ui
