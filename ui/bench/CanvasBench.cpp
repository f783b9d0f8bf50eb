// Measures what makes a large canvas feel smooth or not: full repaints at several zoom levels,
// a repaint after a brush dab, and re-flattening after a layer change, on a 4096×4096 picture.
// Prints figures; it asserts nothing (timings on shared machines are noisy).
#include "app/Document.h"
#include "ui/CanvasView.h"
#include "ui/MaskBrushTool.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QTest>
#include <cstdio>

using namespace limner;

namespace {

QImage makePicture(int size) {
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&image);
    QLinearGradient g(0, 0, size, size);
    g.setColorAt(0, QColor(30, 90, 160));
    g.setColorAt(1, QColor(240, 200, 120));
    p.fillRect(image.rect(), g);
    for (int i = 0; i < 200; ++i)
        p.fillRect((i * 197) % size, (i * 131) % size, 150, 90,
                   QColor::fromHsv((i * 37) % 360, 180, 220, 200));
    return image;
}

template <typename F>
double millisecondsPer(int iterations, F&& work) {
    work(); // warm-up
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < iterations; ++i)
        work();
    return t.nsecsElapsed() / 1e6 / iterations;
}

} // namespace

int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int size = argc > 1 ? std::atoi(argv[1]) : 4096;

    app::Document document;
    document.reset(makePicture(size));
    document.duplicateLayer(document.activeLayerId());
    ui::CanvasView canvas(document);
    canvas.resize(1600, 1000);
    canvas.show();
    if (!QTest::qWaitForWindowExposed(&canvas))
        return 1;

    std::printf("canvas %d×%d, two layers, view 1600×1000\n", size, size);
    std::printf("%-44s %10s\n", "operation", "ms");
    canvas.zoomToFit();
    std::printf("%-44s %10.2f\n", "full repaint, fit to window (smooth)",
                millisecondsPer(20, [&] { canvas.repaint(); }));
    canvas.zoomToActualSize();
    std::printf("%-44s %10.2f\n", "full repaint, 100 %",
                millisecondsPer(20, [&] { canvas.repaint(); }));
    canvas.setZoom(4.0, QPointF(800, 500));
    std::printf("%-44s %10.2f\n", "full repaint, 400 %",
                millisecondsPer(20, [&] { canvas.repaint(); }));

    canvas.zoomToActualSize();
    ui::MaskBrushTool brush(document, ui::MaskBrushTool::Mode::Paint);
    brush.setDiameter(64);
    canvas.setTool(&brush);
    int x = size / 2 - 300;
    const QPointF start = canvas.widgetToCanvas(QPointF(500, 500));
    brush.press(start, Qt::NoModifier);
    const double dab = millisecondsPer(100, [&] {
        x += 6;
        brush.move(QPointF(start.x() + (x - size / 2 + 300), start.y()), Qt::NoModifier);
        canvas.repaint(); // paints only the dirty region that the stroke scheduled
    });
    brush.release(QPointF(start.x() + (x - size / 2 + 300), start.y()), Qt::NoModifier);
    std::printf("%-44s %10.2f\n", "brush move of 6 px + repaint (64 px brush)", dab);

    std::printf("%-44s %10.2f\n", "flatten the whole picture",
                millisecondsPer(5, [&] { (void)document.flatten(); }));
    const int top = document.layers().back().id;
    bool visible = true;
    std::printf("%-44s %10.2f\n", "toggle a layer's visibility (re-flatten all)",
                millisecondsPer(5, [&] {
                    visible = !visible;
                    document.setLayerVisible(top, visible);
                    canvas.repaint();
                }));
    return 0;
}
