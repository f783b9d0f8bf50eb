// The smart selection tool (S) in the editor: a box around an object selects it, a click with
// the magic wand selects a flat region exactly, Refine Edge snaps the mask to the picture, and
// each is one undo step.
#include "app/Document.h"
#include "app/EngineClient.h"
#include "ui/CanvasView.h"
#include "ui/GeneratePanel.h"
#include "ui/MainWindow.h"
#include "ui/SmartSelectTool.h"
#include "ui/ToolBox.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>

using namespace limner;

namespace {

QPoint widgetPoint(const ui::CanvasView& canvas, QPointF canvasPos) {
    return canvas.canvasToWidget(canvasPos).toPoint();
}

// A striped backdrop with an orange ellipse on it: the object and its true mask.
QImage scene(QImage* truth) {
    QImage picture(320, 240, QImage::Format_RGB32);
    QPainter p(&picture);
    for (int y = 0; y < 240; y += 12)
        p.fillRect(0, y, 320, 12, (y / 12) % 2 ? QColor(40, 90, 200) : QColor(60, 150, 90));
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(240, 140, 30));
    p.drawEllipse(QRect(110, 70, 100, 80));
    p.end();
    *truth = QImage(picture.size(), QImage::Format_Grayscale8);
    truth->fill(0);
    QPainter t(truth);
    t.setPen(Qt::NoPen);
    t.setBrush(Qt::white);
    t.drawEllipse(QRect(110, 70, 100, 80));
    return picture;
}

double iou(const QImage& mask, const QImage& truth) {
    long both = 0, either = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) {
            const bool a = qGray(mask.pixel(x, y)) >= 128, b = qGray(truth.pixel(x, y)) >= 128;
            both += a && b;
            either += a || b;
        }
    return either ? double(both) / double(either) : 1.0;
}

} // namespace

TEST_CASE("smart selection: a box selects the object, the wand a flat region, each one undo step",
          "[ui][select]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.resize(1100, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QImage truth;
    document.reset(scene(&truth));
    ui::CanvasView& canvas = *window.canvas();
    ui::SmartSelectTool& tool = window.tools()->smartSelect();
    QAction* action = window.findChild<QAction*>(QStringLiteral("toolSmartSelection"));
    REQUIRE(action);
    CHECK(action->shortcut() == QKeySequence(QStringLiteral("S")));
    action->trigger();
    QSignalSpy finished(&tool, &ui::SmartSelectTool::finished);

    // Drag a box around the ellipse.
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {98, 60}));
    QTest::mouseMove(&canvas, widgetPoint(canvas, {160, 110}));
    QTest::mouseMove(&canvas, widgetPoint(canvas, {222, 160}));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {222, 160}));
    REQUIRE(finished.wait(30000));
    CHECK(finished.last().at(0).toBool());
    const double objectIou = iou(document.mask(), truth);
    std::cout << "smart selection in the editor: object IoU " << objectIou << "\n";
    CHECK(objectIou >= 0.9);
    CHECK(document.undoStack()->count() == 1);
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    REQUIRE(window.grab().save(dir + QStringLiteral("/smart-selection-object.png")));

    // Refine Edge: one more undo step, the object still selected.
    window.findChild<QToolButton*>(QStringLiteral("refineEdge"))->click();
    REQUIRE(finished.wait(30000));
    CHECK(document.undoStack()->count() == 2);
    CHECK(iou(document.mask(), truth) >= 0.9);

    // Undo both; then the wand on one stripe selects exactly that stripe.
    document.undoStack()->undo();
    document.undoStack()->undo();
    CHECK(document.maskIsEmpty());
    auto* mode = window.findChild<QComboBox*>(QStringLiteral("smartSelectMode"));
    mode->setCurrentIndex(mode->findData(int(ui::SmartSelectTool::Mode::Wand)));
    tool.setTolerance(0);
    QTest::mouseClick(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {20, 5}));
    REQUIRE(finished.wait(30000));
    const QImage mask = document.mask();
    int wrong = 0;
    for (int y = 0; y < 240; ++y)
        for (int x = 0; x < 320; ++x) {
            const int expected = y < 12 ? 255 : 0;
            // The 1-px soft edge lies outside the stripe, where the next stripe begins.
            if (y != 12 && qGray(mask.pixel(x, y)) != expected)
                ++wrong;
        }
    CHECK(wrong == 0);
    CHECK(document.undoStack()->count() == 1);
}

TEST_CASE("fill like this: a dragged region or the active layer becomes the image prompt",
          "[ui][select][imageprompt]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.resize(1100, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    // Red on the left, blue on the right.
    QImage picture(200, 100, QImage::Format_RGB32);
    picture.fill(qRgb(220, 40, 40));
    QPainter(&picture).fillRect(100, 0, 100, 100, QColor(40, 80, 220));
    document.reset(picture);
    app::ModelFolder model;
    model.folder = QStringLiteral("/models/kandinsky-2-2");
    model.backend = QStringLiteral("model:/models/kandinsky-2-2");
    model.description.folder = model.folder.toStdString();
    model.description.family = "Kandinsky 2.2";
    model.description.acceptsPrompt = true;
    model.description.acceptsImagePrompts = true;
    ui::GeneratePanel& panel = *window.generatePanel();
    panel.setModels({model});
    panel.setBackend(model.backend);
    REQUIRE(panel.selectedModel());
    window.tools()->brushAction()->trigger();

    // From Canvas ▸ Drag a Region: a drag over the blue half.
    window.findChild<QAction*>(QStringLiteral("imagePromptFromRegion"))->trigger();
    ui::CanvasView& canvas = *window.canvas();
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {120, 20}));
    QTest::mouseMove(&canvas, widgetPoint(canvas, {150, 50}));
    QTest::mouseMove(&canvas, widgetPoint(canvas, {180, 80}));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {180, 80}));
    const QImage region = panel.imagePrompt();
    REQUIRE(!region.isNull());
    CHECK(std::abs(region.width() - 60) <= 2);
    CHECK(std::abs(region.height() - 60) <= 2);
    int blue = 0;
    for (int y = 0; y < region.height(); ++y)
        for (int x = 0; x < region.width(); ++x)
            blue += region.pixel(x, y) == qRgb(40, 80, 220);
    CHECK(blue == region.width() * region.height());
    // The brush is back, and the next job carries the region as its image prompt.
    CHECK(window.tools()->brushAction()->isChecked());
    panel.setPrompt(QStringLiteral("a kite"));
    const engine::DiffusionSettings settings = panel.diffusionSettings();
    REQUIRE(settings.imagePrompts.size() == 1);
    CHECK(settings.imagePrompts.front().image.width == region.width());
    CHECK(settings.imagePrompts.front().weight == Approx(0.5));
    CHECK(settings.textWeight == Approx(0.5));

    // From Canvas ▸ Active Layer: the layer's painted part.
    window.findChild<QAction*>(QStringLiteral("imagePromptFromLayer"))->trigger();
    CHECK(panel.imagePrompt().size() == QSize(200, 100));
}
