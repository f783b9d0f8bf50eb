// Measures what makes a large canvas feel smooth or not, on a picture of --size N (default 4096)
// with --layers L (default 2) layers of varied content: full repaints at several zoom levels,
// brush stroke frames, opacity drag updates and visibility toggles through the layers panel,
// flattening, and growing and shrinking a large mask. Each operation is one line with its
// milliseconds last (the median of several runs). It asserts nothing: timings on shared
// machines are noisy.
#include "app/Document.h"
#include "ui/CanvasView.h"
#include "ui/LayersPanel.h"
#include "ui/MaskBrushTool.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QListWidget>
#include <QPainter>
#include <QSlider>
#include <QTest>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace limner;

namespace {

struct Options {
    int size = 4096;
    int layers = 2;
};

bool parseOptions(int argc, char* argv[], Options& options) {
    for (int i = 1; i < argc; ++i) {
        const bool hasValue = i + 1 < argc;
        if (std::strcmp(argv[i], "--size") == 0 && hasValue)
            options.size = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--layers") == 0 && hasValue)
            options.layers = std::atoi(argv[++i]);
        else if (argv[i][0] != '-')
            options.size = std::atoi(argv[i]); // the old positional form: limner-canvas-bench 4096
        else
            return false;
    }
    return options.size >= 256 && options.layers >= 1;
}

QImage makeBackground(int size) {
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&image);
    QLinearGradient g(0, 0, size, size);
    g.setColorAt(0, QColor(30, 90, 160));
    g.setColorAt(1, QColor(240, 200, 120));
    p.fillRect(image.rect(), g);
    for (int i = 0; i < 200; ++i)
        p.fillRect((i * 197) % size, (i * 131) % size, size / 27, size / 45,
                   QColor::fromHsv((i * 37) % 360, 180, 220, 200));
    return image;
}

// Layer k above the background: translucent shapes on transparency; every third layer is
// smaller than the canvas and placed off its corner, every fourth is a translucent wash.
app::Layer makeLayer(int size, int k) {
    app::Layer layer;
    layer.name = QStringLiteral("Layer %1").arg(k);
    const bool partial = k % 3 == 0;
    const int side = partial ? size * 3 / 4 : size;
    layer.offset = partial ? QPoint(size / 8 + k * 7, size / 16 + k * 5) : QPoint();
    layer.pixels = QImage(side, side, QImage::Format_ARGB32_Premultiplied);
    layer.pixels.fill(Qt::transparent);
    QPainter p(&layer.pixels);
    p.setRenderHint(QPainter::Antialiasing);
    if (k % 4 == 0)
        p.fillRect(layer.pixels.rect(), QColor::fromHsv((k * 53) % 360, 120, 200, 60));
    for (int i = 0; i < 24; ++i) {
        const int r = side / 24 + ((i * 29 + k * 13) % 7) * side / 60;
        const QPoint c(((i * 389 + k * 151) % 97) * side / 97, ((i * 211 + k * 83) % 89) * side / 89);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor::fromHsv((k * 41 + i * 23) % 360, 200, 230, 90 + (i * 37) % 166));
        if (i % 2)
            p.drawEllipse(c, r, r * 2 / 3);
        else
            p.drawRect(QRect(c, QSize(r * 2, r)));
    }
    static const qreal opacities[] = {1.0, 0.8, 0.6, 0.9, 0.5, 0.75};
    layer.opacity = opacities[k % 6];
    return layer;
}

void makeMask(app::Document& document, int size) {
    QImage& mask = document.maskForLiveStroke();
    QPainter p(&mask);
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::white);
    for (int i = 0; i < 12; ++i) {
        const int r = size / 14 + (i % 4) * size / 40;
        p.drawEllipse(QPoint(((i * 5 + 2) % 11) * size / 11, ((i * 7 + 3) % 13) * size / 13), r, r);
    }
    p.end();
    document.endMaskStroke(QStringLiteral("Bench mask"));
}

template <typename F>
double medianMilliseconds(int iterations, F&& work) {
    work(); // warm-up
    std::vector<double> times;
    for (int i = 0; i < iterations; ++i) {
        QElapsedTimer t;
        t.start();
        work();
        times.push_back(t.nsecsElapsed() / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

void report(const QString& operation, double milliseconds) {
    std::printf("%-64s %10.2f\n", operation.toUtf8().constData(), milliseconds);
    std::fflush(stdout);
}

// Runs what the event loop has queued: the repaint that a change scheduled, as a user sees it.
void showPendingChanges() {
    QCoreApplication::processEvents();
}

} // namespace

int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Options options;
    if (!parseOptions(argc, argv, options)) {
        std::fprintf(stderr, "usage: limner-canvas-bench [--size N] [--layers L] [N]\n");
        return 2;
    }
    const int size = options.size;

    app::Document document;
    document.reset(makeBackground(size));
    for (int k = 1; k < options.layers; ++k)
        document.addLayer(makeLayer(size, k), k, QStringLiteral("Bench layer"));
    // The layer the user works on: in the middle of the stack, with layers below and above.
    const int middle = document.layers()[static_cast<std::size_t>(options.layers / 2)].id;
    const int bottom = document.layers().front().id;
    document.setActiveLayerId(middle);
    document.undoStack()->clear();

    ui::CanvasView canvas(document);
    canvas.resize(1600, 1000);
    canvas.show();
    ui::LayersPanel panel(document);
    panel.resize(300, 600);
    panel.show();
    if (!QTest::qWaitForWindowExposed(&canvas) || !QTest::qWaitForWindowExposed(&panel))
        return 1;
    auto* opacitySlider = panel.findChild<QSlider*>(QStringLiteral("layerOpacity"));
    auto* layerList = panel.findChild<QListWidget*>(QStringLiteral("layerList"));
    if (!opacitySlider || !layerList)
        return 1;
    const auto layerItem = [&](int id) {
        for (int row = 0; row < layerList->count(); ++row)
            if (layerList->item(row)->data(Qt::UserRole + 1).toInt() == id)
                return layerList->item(row);
        return static_cast<QListWidgetItem*>(nullptr);
    };

    std::printf("canvas %d×%d, %d layers, view 1600×1000; median of several runs\n", size, size,
                options.layers);
    std::printf("%-64s %10s\n", "operation", "ms");

    canvas.zoomToFit();
    report(QStringLiteral("full repaint, fit to window (smooth)"),
           medianMilliseconds(10, [&] { canvas.repaint(); }));
    canvas.zoomToActualSize();
    report(QStringLiteral("full repaint, 100 %"), medianMilliseconds(10, [&] { canvas.repaint(); }));
    canvas.setZoom(4.0, QPointF(800, 500));
    report(QStringLiteral("full repaint, 400 %"), medianMilliseconds(10, [&] { canvas.repaint(); }));

    // A brush frame: the pointer moved 6 px, the tool stamped, the dirty region was painted.
    ui::MaskBrushTool brush(document, ui::MaskBrushTool::Mode::Paint);
    brush.setDiameter(64);
    canvas.setTool(&brush);
    const auto brushFrames = [&](const QString& where) {
        QPointF at = canvas.widgetToCanvas(QPointF(300, 300));
        brush.press(at, Qt::NoModifier);
        showPendingChanges();
        const double ms = medianMilliseconds(100, [&] {
            at += QPointF(6, 1);
            brush.move(at, Qt::NoModifier);
            showPendingChanges();
        });
        brush.release(at, Qt::NoModifier);
        showPendingChanges();
        report(QStringLiteral("brush stroke frame, %1 (%2 fps)").arg(where).arg(1000.0 / ms, 0, 'f', 0),
               ms);
    };
    canvas.zoomToActualSize();
    brushFrames(QStringLiteral("100 %"));
    canvas.zoomToFit();
    brushFrames(QStringLiteral("fit to window"));
    canvas.setTool(nullptr);

    // Opacity drag and visibility toggles through the layers panel, as a user does them.
    const auto layerUpdates = [&](const QString& where) {
        document.setActiveLayerId(middle);
        showPendingChanges();
        int value = opacitySlider->value();
        report(QStringLiteral("opacity drag update, middle layer, %1").arg(where),
               medianMilliseconds(9, [&] {
                   value = value > 40 ? value - 3 : 90;
                   opacitySlider->setValue(value);
                   showPendingChanges();
               }));
        for (const int id : {middle, bottom}) {
            report(QStringLiteral("visibility toggle, %1 layer, %2")
                       .arg(id == middle ? QStringLiteral("middle") : QStringLiteral("bottom"), where),
                   medianMilliseconds(6, [&] {
                       QListWidgetItem* item = layerItem(id);
                       item->setCheckState(item->checkState() == Qt::Checked ? Qt::Unchecked
                                                                             : Qt::Checked);
                       showPendingChanges();
                   }));
        }
    };
    canvas.zoomToFit();
    layerUpdates(QStringLiteral("fit to window"));
    canvas.zoomToActualSize();
    layerUpdates(QStringLiteral("100 %"));

    report(QStringLiteral("flatten the whole picture"),
           medianMilliseconds(3, [&] { (void)document.flatten(); }));
    bool visible = true;
    report(QStringLiteral("flatten after a visibility toggle (top layer)"), medianMilliseconds(3, [&] {
               visible = !visible;
               document.setLayerVisible(document.layers().back().id, visible);
               showPendingChanges();
               (void)document.flatten();
           }));

    // Mask grow and shrink of a large mask: how long the GUI thread is blocked, and how long
    // until the result is on the canvas.
    makeMask(document, size);
    showPendingChanges();
    canvas.zoomToFit();
    for (const bool grow : {true, false}) {
        const QString what =
            grow ? QStringLiteral("mask grow 32 px") : QStringLiteral("mask shrink 32 px");
        std::vector<double> blocked, total;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer t;
            t.start();
            if (grow)
                document.growMask(32);
            else
                document.shrinkMask(32);
            blocked.push_back(t.nsecsElapsed() / 1e6);
            showPendingChanges();
            total.push_back(t.nsecsElapsed() / 1e6);
            document.undoStack()->undo();
            showPendingChanges();
        }
        std::sort(blocked.begin(), blocked.end());
        std::sort(total.begin(), total.end());
        report(what + QStringLiteral(", GUI thread blocked"), blocked[1]);
        report(what + QStringLiteral(", total until shown"), total[1]);
    }
    return 0;
}
