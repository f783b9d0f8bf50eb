// Measures what makes a large canvas feel smooth or not, on a picture of --size N (default 4096)
// with --layers L (default 2) layers of varied content: full repaints at several zoom levels,
// brush stroke frames, opacity drag updates and visibility toggles through the layers panel,
// flattening, and growing and shrinking a large mask. Each operation is one line with its
// milliseconds last (the median of several runs; brush frames: the mean). Lines marked
// "(old way)" time what the code did before the kept composite and the background mask task,
// in the same run. It asserts nothing: timings on shared machines are noisy.
#include "app/Document.h"
#include "app/ImageConvert.h"
#include "app/LayerComposite.h"
#include "app/MaskResizeTask.h"
#include "engine/imaging/MaskOps.h"
#include "ui/CanvasView.h"
#include "ui/LayersPanel.h"
#include "ui/MaskBrushTool.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QListWidget>
#include <QPainter>
#include <QSlider>
#include <QTest>
#include <QThread>
#include <QTimer>
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

// Counts the paint events of a widget, to show that the frames timed did paint.
class PaintCounter : public QObject {
public:
    int count = 0;
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::Paint)
            ++count;
        return false;
    }
};

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

    ui::LayersPanel panel(document);
    panel.resize(300, 600);
    panel.show();
    QElapsedTimer opening;
    opening.start();
    ui::CanvasView canvas(document);
    canvas.resize(1600, 1000);
    canvas.show();
    if (!QTest::qWaitForWindowExposed(&canvas) || !QTest::qWaitForWindowExposed(&panel))
        return 1;
    canvas.repaint();
    const double firstPaint = opening.nsecsElapsed() / 1e6;
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

    QFile loadavg(QStringLiteral("/proc/loadavg"));
    const QByteArray load = loadavg.open(QIODevice::ReadOnly)
                                ? loadavg.readLine().split(' ').mid(0, 3).join(' ')
                                : QByteArray("?");
    std::printf("canvas %d×%d, %d layers, view 1600×1000; median of several runs; %d cores, "
                "load average %s\n",
                size, size, options.layers, QThread::idealThreadCount(), load.constData());
    std::printf("%-64s %10s\n", "operation", "ms");
    report(QStringLiteral("first paint of a new canvas view, fit to window (once)"), firstPaint);

    canvas.zoomToFit();
    report(QStringLiteral("full repaint, fit to window (smooth)"),
           medianMilliseconds(10, [&] { canvas.repaint(); }));
    canvas.zoomToActualSize();
    report(QStringLiteral("full repaint, 100 %"), medianMilliseconds(10, [&] { canvas.repaint(); }));
    canvas.setZoom(4.0, QPointF(800, 500));
    report(QStringLiteral("full repaint, 400 %"), medianMilliseconds(10, [&] { canvas.repaint(); }));

    // A brush frame: in one frame (16 ms) the pointer moved 24 px, the tool stamped, and the
    // dirty region was painted.
    ui::MaskBrushTool brush(document, ui::MaskBrushTool::Mode::Paint);
    brush.setDiameter(64);
    canvas.setTool(&brush);
    PaintCounter paints;
    canvas.installEventFilter(&paints);
    const auto brushFrames = [&](const QString& where) {
        QPointF at = canvas.widgetToCanvas(QPointF(300, 300));
        brush.press(at, Qt::NoModifier);
        showPendingChanges();
        const int paintsBefore = paints.count;
        const int frames = 120;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < frames; ++i) {
            at += QPointF(24, 4);
            brush.move(at, Qt::NoModifier);
            showPendingChanges();
        }
        const double ms = t.nsecsElapsed() / 1e6 / frames;
        brush.release(at, Qt::NoModifier);
        showPendingChanges();
        report(QStringLiteral("brush stroke frame, %1 (%2 fps, %3 paints)")
                   .arg(where)
                   .arg(1000.0 / ms, 0, 'f', 0)
                   .arg(paints.count - paintsBefore),
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
        // Each toggle changes another layer than the one before: nothing below it is kept yet.
        bool even = false;
        report(QStringLiteral("visibility toggle, middle and bottom layer by turns, %1").arg(where),
               medianMilliseconds(6, [&] {
                   even = !even;
                   QListWidgetItem* item = layerItem(even ? middle : bottom);
                   item->setCheckState(item->checkState() == Qt::Checked ? Qt::Unchecked : Qt::Checked);
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
    report(QStringLiteral("visibility toggle, middle layer, composite from scratch (old way)"),
           medianMilliseconds(3, [&] {
               document.setLayerVisible(middle, !document.layerById(middle)->visible);
               (void)app::LayerComposite::fromScratch(document.layers(), document.canvasSize(),
                                                      document.canvasRect());
           }));

    report(QStringLiteral("flatten the whole picture, from scratch (old way)"),
           medianMilliseconds(3, [&] {
               (void)app::LayerComposite::fromScratch(document.layers(), document.canvasSize(),
                                                      document.canvasRect());
           }));
    report(QStringLiteral("flatten the whole picture, nothing changed"),
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
        // The old way: the whole mask at once, on the GUI thread.
        {
            QElapsedTimer t;
            t.start();
            namespace imaging = engine::imaging;
            const engine::Image mask = app::ImageConvert::toEngineMask(document.mask());
            document.setMaskRegion(app::ImageConvert::toQImage(grow ? imaging::growMask(mask, 32)
                                                                    : imaging::shrinkMask(mask, 32)),
                                   what);
            showPendingChanges();
            report(what + QStringLiteral(", whole mask on the GUI thread (old way)"),
                   t.nsecsElapsed() / 1e6);
            document.undoStack()->undo();
            showPendingChanges();
        }
        // In the background, as Mask ▸ Grow does it: the longest the GUI thread went without
        // returning to its event loop, and the time until the result was painted.
        std::vector<double> blocked, total;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer clock;
            QEventLoop loop;
            QTimer ticker;
            ticker.setTimerType(Qt::PreciseTimer);
            ticker.setInterval(2);
            qint64 last = 0;
            qint64 longest = 0;
            QObject::connect(&ticker, &QTimer::timeout, [&] {
                const qint64 now = clock.nsecsElapsed();
                longest = std::max(longest, now - last);
                last = now;
            });
            app::MaskResizeTask task(document,
                                     grow ? app::MaskResizeTask::Operation::Grow
                                          : app::MaskResizeTask::Operation::Shrink,
                                     32);
            bool applied = false;
            QObject::connect(&task, &app::MaskResizeTask::finished, [&](bool ok, const QString&) {
                applied = ok;
                loop.quit();
            });
            clock.start();
            ticker.start();
            task.start();
            longest = std::max(longest, clock.nsecsElapsed());
            last = clock.nsecsElapsed();
            loop.exec();
            showPendingChanges(); // the repaint of the new mask
            longest = std::max(longest, clock.nsecsElapsed() - last);
            total.push_back(clock.nsecsElapsed() / 1e6);
            blocked.push_back(longest / 1e6);
            if (applied)
                document.undoStack()->undo();
            showPendingChanges();
        }
        std::sort(blocked.begin(), blocked.end());
        std::sort(total.begin(), total.end());
        report(what + QStringLiteral(", in the background: GUI thread blocked at most"), blocked[1]);
        report(what + QStringLiteral(", in the background: total until shown"), total[1]);
    }
    return 0;
}
