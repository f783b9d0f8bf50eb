#include "app/Document.h"
#include "ui/CanvasView.h"
#include "ui/LayersPanel.h"
#include "ui/MaskBrushTool.h"
#include "ui/ShapeSelectTool.h"

#include <QListWidget>
#include <QTest>
#include <QUndoStack>
#include <catch2/catch.hpp>

using namespace limner;

namespace {

QImage photo() {
    QImage image(QStringLiteral(LIMNER_TEST_DATA_DIR "/chelsea.png"));
    REQUIRE_FALSE(image.isNull());
    return image;
}

} // namespace

TEST_CASE("zooming keeps the canvas point under the cursor in place", "[ui][canvas]") {
    app::Document document;
    document.reset(photo());
    ui::CanvasView canvas(document);
    canvas.resize(800, 600);
    canvas.show();
    REQUIRE(QTest::qWaitForWindowExposed(&canvas));
    canvas.zoomToFit();
    const QPointF anchor(300, 200);
    const QPointF under = canvas.widgetToCanvas(anchor);
    canvas.setZoom(canvas.zoom() * 3, anchor);
    CHECK(canvas.widgetToCanvas(anchor).x() == Approx(under.x()).margin(1e-6));
    CHECK(canvas.widgetToCanvas(anchor).y() == Approx(under.y()).margin(1e-6));
    canvas.zoomToActualSize();
    CHECK(canvas.zoom() == Approx(1.0));
    canvas.zoomIn();
    CHECK(canvas.zoom() > 1.0);
    canvas.zoomOut();
    CHECK(canvas.zoom() == Approx(1.0));
}

TEST_CASE("the middle button and space-drag pan the canvas without touching the mask", "[ui][canvas]") {
    app::Document document;
    document.reset(photo());
    ui::CanvasView canvas(document);
    ui::MaskBrushTool brush(document, ui::MaskBrushTool::Mode::Paint);
    canvas.setTool(&brush);
    canvas.resize(800, 600);
    canvas.show();
    REQUIRE(QTest::qWaitForWindowExposed(&canvas));
    const QPointF origin = canvas.canvasToWidget(QPointF(0, 0));

    QTest::mousePress(&canvas, Qt::MiddleButton, Qt::NoModifier, QPoint(400, 300));
    QTest::mouseMove(&canvas, QPoint(450, 320));
    QTest::mouseRelease(&canvas, Qt::MiddleButton, Qt::NoModifier, QPoint(450, 320));
    CHECK(canvas.canvasToWidget(QPointF(0, 0)) == origin + QPointF(50, 20));

    QTest::keyPress(&canvas, Qt::Key_Space);
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(400, 300));
    QTest::mouseMove(&canvas, QPoint(380, 300));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, QPoint(380, 300));
    QTest::keyRelease(&canvas, Qt::Key_Space);
    CHECK(canvas.canvasToWidget(QPointF(0, 0)) == origin + QPointF(30, 20));
    CHECK(document.maskIsEmpty());
    CHECK(document.undoStack()->count() == 0);
}

TEST_CASE("the eraser removes mask painted by the brush, each stroke one undo step", "[ui][mask]") {
    app::Document document;
    document.reset(photo());
    ui::CanvasView canvas(document);
    canvas.resize(800, 600);
    canvas.show();
    REQUIRE(QTest::qWaitForWindowExposed(&canvas));
    ui::MaskBrushTool brush(document, ui::MaskBrushTool::Mode::Paint);
    ui::MaskBrushTool eraser(document, ui::MaskBrushTool::Mode::Erase);
    brush.setDiameter(40);
    eraser.setDiameter(20);
    brush.setHardness(1.0);
    eraser.setHardness(1.0);

    canvas.setTool(&brush);
    const auto at = [&](qreal x, qreal y) {
        return canvas.canvasToWidget(QPointF(x, y)).toPoint();
    };
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, at(100, 100));
    QTest::mouseMove(&canvas, at(200, 100));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, at(200, 100));
    CHECK(qGray(document.mask().pixel(150, 100)) == 255);
    CHECK(qGray(document.mask().pixel(150, 112)) == 255);

    canvas.setTool(&eraser);
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, at(150, 100));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, at(150, 100));
    CHECK(qGray(document.mask().pixel(150, 100)) == 0);
    CHECK(qGray(document.mask().pixel(110, 100)) == 255);
    CHECK(document.undoStack()->count() == 2);

    document.undoStack()->undo();
    CHECK(qGray(document.mask().pixel(150, 100)) == 255);
    document.undoStack()->undo();
    CHECK(document.maskIsEmpty());
}

TEST_CASE("rectangle selection adds to the mask and Alt subtracts", "[ui][mask]") {
    app::Document document;
    document.reset(photo());
    ui::CanvasView canvas(document);
    canvas.resize(800, 600);
    canvas.show();
    REQUIRE(QTest::qWaitForWindowExposed(&canvas));
    ui::ShapeSelectTool rect(document, ui::ShapeSelectTool::Shape::Rectangle);
    canvas.setTool(&rect);
    const auto at = [&](qreal x, qreal y) {
        return canvas.canvasToWidget(QPointF(x, y)).toPoint();
    };
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, at(50, 50));
    QTest::mouseMove(&canvas, at(150, 150));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, at(150, 150));
    CHECK(qGray(document.mask().pixel(100, 100)) == 255);
    CHECK(qGray(document.mask().pixel(40, 100)) == 0);

    QTest::mousePress(&canvas, Qt::LeftButton, Qt::AltModifier, at(90, 90));
    QTest::mouseMove(&canvas, at(110, 110), -1);
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::AltModifier, at(110, 110));
    CHECK(qGray(document.mask().pixel(100, 100)) == 0);
    CHECK(qGray(document.mask().pixel(60, 60)) == 255);
    CHECK(document.undoStack()->count() == 2);
}

TEST_CASE("the layers panel lists layers top first and renames and hides through undoable commands",
          "[ui][layers]") {
    app::Document document;
    document.reset(photo());
    document.duplicateLayer(document.activeLayerId());
    ui::LayersPanel panel(document);
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("layerList"));
    REQUIRE(list);
    REQUIRE(list->count() == 2);
    const int topId = document.layers().back().id;
    CHECK(list->item(0)->text() == document.layers().back().name);

    list->item(0)->setText(QStringLiteral("Sky"));
    CHECK(document.layerById(topId)->name == QStringLiteral("Sky"));
    list->item(0)->setCheckState(Qt::Unchecked);
    CHECK_FALSE(document.layerById(topId)->visible);
    CHECK(document.undoStack()->count() == 3);
    document.undoStack()->undo();
    CHECK(document.layerById(topId)->visible);
    CHECK(list->item(0)->checkState() == Qt::Checked);
}

TEST_CASE("dragging a layer in the layers panel reorders the stack as one undo step", "[ui][layers]") {
    app::Document document;
    document.reset(photo());
    const int bottom = document.activeLayerId();
    const int top = document.duplicateLayer(bottom);
    ui::LayersPanel panel(document);
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("layerList"));
    REQUIRE(list);
    REQUIRE(list->item(0)->data(Qt::UserRole + 1).toInt() == top);
    const int stepsBefore = document.undoStack()->count();

    // What an internal drag does to the list: the top row moves below the other one.
    REQUIRE(list->model()->moveRow(QModelIndex(), 0, QModelIndex(), 2));
    QCoreApplication::processEvents(); // the panel applies the move after the drop returns
    CHECK(document.indexOfLayer(top) == 0);
    CHECK(document.indexOfLayer(bottom) == 1);
    CHECK(document.undoStack()->count() == stepsBefore + 1);
    CHECK(list->item(0)->data(Qt::UserRole + 1).toInt() == bottom);
    document.undoStack()->undo();
    CHECK(document.indexOfLayer(top) == 1);
}
