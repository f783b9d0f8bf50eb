#include "app/Document.h"
#include "app/EngineClient.h"
#include "ui/CanvasView.h"
#include "ui/LayersPanel.h"
#include "ui/MainWindow.h"
#include "ui/MaskBrushTool.h"
#include "ui/MaskResizeProgress.h"

#include <QDir>
#include <QElapsedTimer>
#include <QPaintEvent>
#include <QPainter>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSlider>
#include <QStatusBar>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using namespace limner;

namespace {

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    REQUIRE(widget.grab().save(dir + QLatin1Char('/') + name));
}

// A big picture with smooth content: an opaque gradient and translucent shapes in layers at
// different opacities, one smaller than the canvas and off its corner.
void makeBigDocument(app::Document& document, const QSize& size) {
    QImage background(size, QImage::Format_ARGB32_Premultiplied);
    {
        QPainter p(&background);
        QLinearGradient g(0, 0, size.width(), size.height());
        g.setColorAt(0, QColor(30, 90, 160));
        g.setColorAt(1, QColor(240, 200, 120));
        p.fillRect(background.rect(), g);
    }
    document.reset(background);
    for (int k = 1; k <= 3; ++k) {
        app::Layer layer;
        layer.name = QStringLiteral("Shapes %1").arg(k);
        const QSize side = k == 2 ? size * 3 / 4 : size;
        layer.pixels = QImage(side, QImage::Format_ARGB32_Premultiplied);
        layer.pixels.fill(Qt::transparent);
        layer.offset = k == 2 ? QPoint(size.width() / 8, size.height() / 8) : QPoint();
        layer.opacity = k == 3 ? 0.6 : 1.0;
        QPainter p(&layer.pixels);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        for (int i = 0; i < 8; ++i) {
            p.setBrush(QColor::fromHsv((k * 90 + i * 40) % 360, 200, 230, 120 + i * 15));
            const QPointF c(side.width() * (0.1 + 0.11 * i),
                            side.height() * (0.2 + 0.08 * ((i * k) % 8)));
            p.drawEllipse(c, side.width() / 12.0, side.height() / 10.0);
        }
        document.addLayer(layer, k, QStringLiteral("Add"));
    }
    document.undoStack()->clear();
}

// The part of a screenshot where the canvas is, and the full-size composite scaled to it.
double differenceFromComposite(ui::CanvasView& canvas, const app::Document& document) {
    const QImage shot = canvas.grab().toImage().convertToFormat(QImage::Format_ARGB32_Premultiplied);
    const QRectF canvasWidget = canvas.canvasToWidget(QRectF(document.canvasRect()));
    // Whole pixels only: the canvas border and partial pixels at the edge do not count.
    const QRect inside =
        QRect(QPoint(int(std::ceil(canvasWidget.left())) + 2, int(std::ceil(canvasWidget.top())) + 2),
              QPoint(int(std::floor(canvasWidget.right())) - 3,
                     int(std::floor(canvasWidget.bottom())) - 3))
            .intersected(shot.rect());
    REQUIRE_FALSE(inside.isEmpty());
    QImage expected(inside.size(), QImage::Format_ARGB32_Premultiplied);
    {
        QPainter p(&expected);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.translate(-inside.topLeft());
        // An area-averaged reduction, as a careful viewer would show it.
        const QImage flat = document.flatten();
        const QSize shown = canvasWidget.size().toSize();
        p.drawImage(canvasWidget, flat.scaled(shown, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    }
    const QImage got = shot.copy(inside);
    double sum = 0;
    for (int y = 0; y < got.height(); ++y) {
        for (int x = 0; x < got.width(); ++x) {
            const QRgb a = got.pixel(x, y), b = expected.pixel(x, y);
            sum += std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) +
                   std::abs(qBlue(a) - qBlue(b));
        }
    }
    return sum / (3.0 * got.width() * got.height());
}

// The rectangles of a widget's paint events.
class PaintRects : public QObject {
public:
    std::vector<QRect> rects;
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::Paint)
            rects.push_back(static_cast<QPaintEvent*>(event)->rect());
        return false;
    }
};

} // namespace

TEST_CASE("a brush stroke on a big canvas repaints only around the brush", "[ui][canvas][big]") {
    app::Document document;
    makeBigDocument(document, QSize(5000, 3600));
    ui::CanvasView canvas(document);
    ui::MaskBrushTool brush(document, ui::MaskBrushTool::Mode::Paint);
    brush.setDiameter(40);
    canvas.setTool(&brush);
    canvas.resize(1200, 800);
    canvas.show();
    REQUIRE(QTest::qWaitForWindowExposed(&canvas));
    for (const bool zoomedOut : {false, true}) {
        if (zoomedOut)
            canvas.zoomToFit();
        else
            canvas.zoomToActualSize();
        QCoreApplication::processEvents();
        PaintRects painted;
        canvas.installEventFilter(&painted);
        const QPointF at = canvas.widgetToCanvas(zoomedOut ? QPointF(300, 250) : QPointF(600, 400));
        brush.press(at, Qt::NoModifier);
        QCoreApplication::processEvents();
        brush.move(at + QPointF(30, 0), Qt::NoModifier);
        QCoreApplication::processEvents();
        brush.release(at + QPointF(30, 0), Qt::NoModifier);
        QCoreApplication::processEvents();
        canvas.removeEventFilter(&painted);
        REQUIRE_FALSE(painted.rects.empty());
        const qreal zoom = canvas.zoom();
        for (const QRect& r : painted.rects) {
            INFO("zoom " << zoom << ", painted " << r.width() << "×" << r.height());
            CHECK(r.width() <= (40 + 30) * zoom + 12);
            CHECK(r.height() <= 40 * zoom + 12);
        }
    }
    CHECK(document.undoStack()->count() == 2);
}

TEST_CASE("a big picture shows the same on the canvas zoomed out and at full size, mask included, "
          "while layer changes are drawn from the kept composite",
          "[ui][canvas][big]") {
    app::Document document;
    app::EngineClient client;
    makeBigDocument(document, QSize(5000, 3600));
    ui::MainWindow window(document, client);
    window.resize(1400, 1000);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    ui::CanvasView& canvas = *window.canvas();
    canvas.zoomToFit();
    QCoreApplication::processEvents();
    REQUIRE(canvas.compositeLevel() > 0); // zoomed out: a reduced level is drawn
    CHECK(differenceFromComposite(canvas, document) < 2.0);

    // Layer changes: the canvas follows them.
    const int top = document.layers().back().id;
    REQUIRE(document.setLayerVisible(top, false));
    REQUIRE(document.setLayerOpacity(document.layers()[2].id, 0.4));
    QCoreApplication::processEvents();
    CHECK(differenceFromComposite(canvas, document) < 2.0);
    REQUIRE(document.setLayerVisible(top, true));
    QCoreApplication::processEvents();
    CHECK(differenceFromComposite(canvas, document) < 2.0);

    // A mask shows as translucent red where it is set, and nowhere else.
    QImage mask(document.canvasSize(), QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter(&mask).fillRect(QRect(600, 500, 1400, 1000), Qt::white);
    const auto shownAt = [&](const QPoint& canvasPos) {
        return canvas.grab().toImage().pixel(canvas.canvasToWidget(QPointF(canvasPos)).toPoint());
    };
    const QRgb maskedBefore = shownAt(QPoint(1300, 1000));
    const QRgb elsewhereBefore = shownAt(QPoint(3500, 3000));
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("Mask")));
    QCoreApplication::processEvents();
    const QRgb masked = shownAt(QPoint(1300, 1000));
    CHECK(qRed(masked) - qGreen(masked) > qRed(maskedBefore) - qGreen(maskedBefore) + 40);
    CHECK(shownAt(QPoint(3500, 3000)) == elsewhereBefore);
    saveScreenshot(window, QStringLiteral("big-canvas-fit.png"));

    canvas.zoomToActualSize();
    QCoreApplication::processEvents();
    CHECK(canvas.compositeLevel() == 0);
    CHECK(differenceFromComposite(canvas, document) < 2.0);
    saveScreenshot(window, QStringLiteral("big-canvas-100.png"));
}

TEST_CASE("Mask ▸ Grow runs in the background with progress and Cancel in the status bar, and is "
          "one undo step",
          "[ui][mask][big]") {
    app::Document document;
    app::EngineClient client;
    document.reset(QImage(4000, 3000, QImage::Format_RGB32));
    QImage mask(document.canvasSize(), QImage::Format_Grayscale8);
    mask.fill(0);
    {
        QPainter p(&mask);
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        for (int i = 0; i < 10; ++i)
            p.drawEllipse(QPoint(300 + i * 350, 400 + (i % 4) * 600), 200, 150);
    }
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("Mask")));
    document.undoStack()->clear();
    ui::MainWindow window(document, client);
    window.resize(1400, 1000);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* bar = window.statusBar()->findChild<QProgressBar*>(QStringLiteral("maskResizeProgress"));
    REQUIRE(bar != nullptr);
    CHECK_FALSE(bar->isVisible());

    window.canvas()->repaint(); // the first paint reduces the picture for the zoomed-out view
    QCoreApplication::processEvents();
    QSignalSpy finished(window.maskResize(), &ui::MaskResizeProgress::finished);
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
    REQUIRE(window.maskResize()->start(true, 60));
    CHECK(bar->isVisible());
    CHECK_FALSE(window.maskResize()->start(true, 60)); // one at a time
    REQUIRE(finished.wait(60000));
    ticker.stop();
    CHECK(finished.first().at(0).toBool());
    CHECK_FALSE(bar->isVisible());
    CHECK(document.undoStack()->count() == 1);
    CHECK(document.undoStack()->undoText() == QStringLiteral("Grow Mask"));
    CHECK(qGray(document.mask().pixel(300 + 200 + 50, 400)) == 255); // grown past the ellipse
    CHECK(qGray(document.mask().pixel(300 + 200 + 70, 400)) == 0);
    // The GUI thread kept running its event loop; the bound is loose for busy machines.
    WARN("longest GUI stall while growing: " << longestStall << " ms");
    CHECK(longestStall < 300);

    // Cancel from the status bar leaves the mask as it was.
    const QImage grown = document.mask();
    QSignalSpy again(window.maskResize(), &ui::MaskResizeProgress::finished);
    REQUIRE(window.maskResize()->start(false, 300));
    auto* cancel = window.statusBar()->findChild<QToolButton*>(QStringLiteral("maskResizeCancel"));
    REQUIRE(cancel != nullptr);
    CHECK(cancel->isVisible());
    cancel->click();
    REQUIRE(again.wait(60000));
    CHECK_FALSE(again.first().at(0).toBool());
    CHECK(document.mask() == grown);
    CHECK(document.undoStack()->count() == 1);
}
