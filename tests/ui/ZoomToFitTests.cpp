#include "app/Document.h"
#include "app/EngineClient.h"
#include "ui/CanvasView.h"
#include "ui/GenerationFrameTool.h"
#include "ui/MainWindow.h"
#include "ui/ToolBox.h"

#include <QAction>
#include <QDir>
#include <QTest>
#include <cmath>

using namespace limner;

namespace {

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    REQUIRE(widget.grab().save(dir + QLatin1Char('/') + name));
}

bool inSight(const ui::CanvasView& canvas, const QRect& canvasRect) {
    const QRectF shown = canvas.canvasToWidget(QRectF(canvasRect));
    return QRectF(canvas.rect()).contains(shown);
}

} // namespace

TEST_CASE("zoom to fit shows the whole generation frame where it reaches past the canvas",
          "[ui][canvas][outpaint]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.resize(1400, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    REQUIRE(window.openFile(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png")));
    ui::CanvasView& canvas = *window.canvas();

    window.tools()->frameAction()->trigger();
    ui::GenerationFrameTool& frame = window.tools()->frame();
    REQUIRE(canvas.tool() == &frame);
    // A frame reaching 448 px past the right edge and 192 px above the picture.
    frame.setFrame(QRect(448, -192, 512, 512));
    const QRect placed = frame.frame();
    REQUIRE(placed.right() > 512 + 300);
    REQUIRE(placed.top() < -100);

    canvas.zoomToFit();
    QTest::qWait(50);
    saveScreenshot(window, QStringLiteral("zoom-to-fit-frame.png"));
    INFO("zoom " << canvas.zoom() << ", frame " << placed.x() << "," << placed.y() << " "
                 << placed.width() << "×" << placed.height());
    CHECK(inSight(canvas, placed));
    CHECK(inSight(canvas, document.canvasRect()));
    // Centred: the margins left and right of the picture plus frame are the same.
    const QRectF shown = canvas.canvasToWidget(QRectF(canvas.fitArea()));
    CHECK(std::abs(shown.left() - (canvas.width() - shown.right())) < 2.0);
    CHECK(std::abs(shown.top() - (canvas.height() - shown.bottom())) < 2.0);
    const qreal withFrame = canvas.zoom();

    // With another tool the frame is not shown, and zoom to fit fills the view with the picture.
    window.tools()->brushAction()->trigger();
    REQUIRE(canvas.tool() != &frame);
    canvas.zoomToFit();
    CHECK(canvas.fitArea() == document.canvasRect());
    CHECK(canvas.zoom() > withFrame * 1.2);
    CHECK(inSight(canvas, document.canvasRect()));
}
