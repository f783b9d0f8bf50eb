#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/LayerReblend.h"
#include "ui/CanvasView.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationController.h"
#include "ui/GenerationFrameTool.h"
#include "ui/MainWindow.h"
#include "ui/OutpaintUi.h"
#include "ui/ReblendPanel.h"
#include "ui/StagingPanel.h"
#include "ui/ToolBox.h"

#include <QAction>
#include <QDir>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QUndoStack>

using namespace limner;

namespace {

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    REQUIRE(widget.grab().save(dir + QLatin1Char('/') + name));
}

QPoint widgetPoint(const ui::CanvasView& canvas, QPointF canvasPos) {
    return canvas.canvasToWidget(canvasPos).toPoint();
}

void waitForJob(ui::GenerationController& generation) {
    QSignalSpy ended(&generation, &ui::GenerationController::jobEnded);
    REQUIRE(ended.wait(60000));
}

} // namespace

TEST_CASE("a user drags the generation frame past the edge and gets a larger, seamless canvas",
          "[outpaint][editor]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.resize(1500, 1000);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(window.openFile(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png")));
    const QImage before = document.flatten();

    // F picks the frame; it appears half over the picture's right edge.
    ui::CanvasView& canvas = *window.canvas();
    window.tools()->frameAction()->trigger();
    ui::GenerationFrameTool& frame = window.tools()->frame();
    REQUIRE(canvas.tool() == &frame);
    REQUIRE(frame.frame().intersects(document.canvasRect()));
    REQUIRE(frame.frame().right() >= 512);
    // Drag it left so it reaches 192 px past the picture.
    const QRect start = frame.frame();
    const QPointF grab = QRectF(start).center();
    const qreal dx = (512 + 192 - 1) - start.right();
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, grab));
    QTest::mouseMove(&canvas, widgetPoint(canvas, grab + QPointF(dx / 2, 0)));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier,
                        widgetPoint(canvas, grab + QPointF(dx, 0)));
    INFO("frame " << frame.frame().x() << "," << frame.frame().y() << " " << frame.frame().width()
                  << "×" << frame.frame().height());
    const int past = frame.frame().right() + 1 - 512;
    REQUIRE(past > 150);

    window.generatePanel()->setBackend(QStringLiteral("telea"));
    window.generatePanel()->setCandidateCount(2);
    window.generation()->generate();
    waitForJob(*window.generation());
    REQUIRE(window.generation()->candidateCount() == 2);
    CHECK(document.canvasSize() == QSize(512, 512)); // nothing changes before accepting
    CHECK(window.outpaint()->stagingPanel()->count() == 2);

    // The first candidate is previewed past the canvas it will grow.
    CHECK(canvas.hasPreview());
    canvas.zoomToFit();
    QTest::qWait(50);
    saveScreenshot(window, QStringLiteral("outpaint-preview.png"));

    window.generation()->accept(0);
    CHECK(document.canvasSize() == QSize(512 + past, 512));
    CHECK(document.layerCount() == 2);
    // The picture is untouched away from the seam, and the new strip is filled.
    const QImage after = document.flatten();
    CHECK(after.copy(0, 0, 440, 512) == before.copy(0, 0, 440, 512));
    for (int y = 0; y < 512; y += 7)
        REQUIRE(qAlpha(after.pixel(512 + past - 1, y)) == 255);
    canvas.zoomToFit();
    QTest::qWait(50);
    saveScreenshot(window, QStringLiteral("outpaint-frame.png"));

    // Growth and layer are one undo step.
    document.undoStack()->undo();
    CHECK(document.canvasSize() == QSize(512, 512));
    CHECK(document.layerCount() == 1);
    CHECK(document.flatten() == before);
    document.undoStack()->redo();
    CHECK(document.canvasSize() == QSize(512 + past, 512));

    // The staging strip still has both candidates: the other one goes on its own layer.
    ui::StagingPanel& staging = *window.outpaint()->stagingPanel();
    REQUIRE(staging.count() == 2);
    staging.selectCandidate(document.stagingHistory().entries().front().id, 1);
    emit staging.acceptRequested(staging.selectedEntryId(), staging.selectedCandidate());
    CHECK(document.layerCount() == 3);
    CHECK(document.canvasSize() == QSize(512 + past, 512));
}

TEST_CASE("the quick extend action grows the canvas downwards", "[outpaint][editor]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(window.openFile(QStringLiteral(LIMNER_TEST_DATA_DIR "/chelsea.png")));
    const QSize size = document.canvasSize();
    window.generatePanel()->setBackend(QStringLiteral("navier-stokes"));
    window.generatePanel()->setCandidateCount(1);
    window.generation()->extend(app::CanvasMargins{0, 0, 0, 96});
    waitForJob(*window.generation());
    window.generation()->accept(0);
    CHECK(document.canvasSize() == size + QSize(0, 96));
    CHECK(document.undoStack()->count() == 1);
}

TEST_CASE("the re-blend panel changes a generated layer's blend in one undo step",
          "[outpaint][editor]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(window.openFile(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png")));
    window.generation()->extend(app::CanvasMargins{128, 0, 0, 0});
    waitForJob(*window.generation());
    window.generation()->accept(0);
    const int id = document.activeLayerId();
    REQUIRE(app::canReblend(document, id));
    const QImage accepted = document.layerById(id)->pixels;
    const int steps = document.undoStack()->count();

    ui::ReblendPanel& panel = *window.outpaint()->reblendPanel();
    REQUIRE(panel.featherBox()->isEnabled());
    panel.featherBox()->setValue(panel.featherBox()->value() + 20);
    panel.growBox()->setValue(panel.growBox()->value() + 10);
    CHECK(document.layerById(id)->pixels != accepted);
    CHECK(document.undoStack()->count() == steps + 1);
    document.undoStack()->undo();
    CHECK(document.layerById(id)->pixels == accepted);
}
