#include "app/Document.h"
#include "app/EngineClient.h"
#include "ui/CandidatesPanel.h"
#include "ui/CanvasView.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationController.h"
#include "ui/MainWindow.h"
#include "ui/ToolBox.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>

using namespace limner;

namespace {

QPoint widgetPoint(const ui::CanvasView& canvas, QPointF canvasPos) {
    return canvas.canvasToWidget(canvasPos).toPoint();
}

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    REQUIRE(widget.grab().save(dir + QLatin1Char('/') + name));
}

} // namespace

TEST_CASE("a user opens a photo, masks it, generates with Telea and accepts a candidate as a layer",
          "[ui][loop]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.resize(1400, 1000);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    REQUIRE(window.openFile(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png")));
    REQUIRE(document.canvasSize() == QSize(512, 512));
    REQUIRE(document.layerCount() == 1);
    const QImage before = document.flatten();

    // One stroke with the mask brush across the astronaut's helmet badge area.
    ui::CanvasView& canvas = *window.canvas();
    window.tools()->brushAction()->trigger();
    window.tools()->setBrushDiameter(30);
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {200, 250}));
    for (int x = 200; x <= 300; x += 10)
        QTest::mouseMove(&canvas, widgetPoint(canvas, {qreal(x), 250 + (x - 200) * 0.2}));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {300, 270}));

    CHECK(document.undoStack()->count() == 1);
    CHECK_FALSE(document.maskIsEmpty());
    CHECK(qGray(document.mask().pixel(250, 260)) == 255); // on the stroke
    CHECK(qGray(document.mask().pixel(250, 350)) == 0);   // far from it
    saveScreenshot(window, QStringLiteral("1-masked.png"));

    // Generate with Telea, two candidates, while a timer measures how long the GUI thread stalls.
    window.generatePanel()->setBackend(QStringLiteral("telea"));
    window.generatePanel()->setPrompt(QStringLiteral("remove the badge"));
    window.generatePanel()->setCandidateCount(2);
    QSignalSpy ended(window.generation(), &ui::GenerationController::jobEnded);
    QElapsedTimer clock;
    qint64 lastTick = 0;
    qint64 longestStall = 0;
    QTimer ticker;
    ticker.setInterval(2);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        longestStall = std::max(longestStall, now - lastTick);
        lastTick = now;
    });
    clock.start();
    ticker.start();
    window.generation()->generate();
    REQUIRE(window.generation()->isRunning());
    REQUIRE(ended.wait(60000));
    ticker.stop();
    std::cout << "ui: longest GUI-thread stall during a Telea job: " << longestStall << " ms (job "
              << clock.elapsed() << " ms)\n";
    CHECK(longestStall < 1000);

    REQUIRE(window.candidatesPanel()->count() == 2);
    CHECK(canvas.hasPreview());          // the first candidate is previewed on the canvas
    CHECK(document.flatten() == before); // previewing changes nothing in the document
    saveScreenshot(window, QStringLiteral("2-candidates.png"));

    // Accept: a new layer, one undo step, pixels changed only around the mask.
    window.generation()->accept(0);
    REQUIRE(document.layerCount() == 2);
    CHECK(document.undoStack()->count() == 2);
    CHECK(document.maskIsEmpty()); // accepting clears the mask in the same undo step
    const app::Layer& added = document.layers().back();
    CHECK(added.name.contains(QStringLiteral("remove the badge")));
    CHECK(added.canvasRect().contains(QRect(200, 250, 100, 20)));
    const QImage after = document.flatten();
    CHECK(after.pixel(250, 260) != before.pixel(250, 260));
    CHECK(after.pixel(20, 20) == before.pixel(20, 20));
    CHECK(after.pixel(250, 400) == before.pixel(250, 400));
    saveScreenshot(window, QStringLiteral("3-accepted.png"));

    document.undoStack()->undo();
    CHECK(document.layerCount() == 1);
    CHECK(document.flatten() == before);
    CHECK(qGray(document.mask().pixel(250, 260)) == 255);
    document.undoStack()->redo();
    CHECK(document.layerCount() == 2);
    CHECK(document.flatten() == after);
}

TEST_CASE("Cancel stops a running job and leaves the document unchanged", "[ui][loop]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.show();
    REQUIRE(window.openFile(QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png")));
    QImage mask = document.mask();
    mask.fill(0);
    for (int y = 50; y < 350; ++y)
        std::fill_n(mask.scanLine(y) + 50, 500, uchar(255));
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("big mask")));
    const QImage before = document.flatten();

    window.generatePanel()->setBackend(QStringLiteral("navier-stokes"));
    window.generatePanel()->setCandidateCount(8);
    QSignalSpy ended(window.generation(), &ui::GenerationController::jobEnded);
    window.generation()->generate();
    REQUIRE(window.generation()->isRunning());
    window.generation()->cancel();
    REQUIRE(ended.wait(60000));
    CHECK_FALSE(window.generation()->isRunning());
    CHECK(window.candidatesPanel()->count() == 0);
    CHECK(document.layerCount() == 1);
    CHECK(document.flatten() == before);
}
