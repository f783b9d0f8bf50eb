// The candidate mixer brush (J): with a job's candidates staged and one accepted as a layer,
// strokes paint another candidate into that layer, each an undo step, and the layer remembers
// which candidate each pixel shows.
#include "app/CandidateMixer.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/StagingActions.h"
#include "app/StagingEntry.h"
#include "ui/CandidateMixerTool.h"
#include "ui/CanvasView.h"
#include "ui/MainWindow.h"
#include "ui/ToolBox.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QSpinBox>
#include <QTest>
#include <QToolBar>
#include <QUndoStack>
#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>

using namespace limner;

namespace {

QPoint widgetPoint(const ui::CanvasView& canvas, QPointF canvasPos) {
    return canvas.canvasToWidget(canvasPos).toPoint();
}

engine::Image solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    engine::Image image(w, h, 4);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint8_t* p = image.pixel(x, y);
            p[0] = r, p[1] = g, p[2] = b, p[3] = 255;
        }
    return image;
}

// A staged job of three candidates (red, green, blue) over (20, 20, 80 × 40); candidate 1 (red)
// accepted. Returns the layer's id.
int stageAndAccept(app::Document& document) {
    app::StagingEntry entry;
    entry.prompt = QStringLiteral("three colours");
    entry.backend = QStringLiteral("telea");
    entry.candidateCount = 3;
    entry.sourceCanvas = document.canvasSize();
    entry.result.region = engine::Rect{20, 20, 80, 40};
    entry.result.backend = "telea";
    for (const auto& c : {std::array<std::uint8_t, 3>{220, 30, 30}, {30, 200, 30}, {30, 30, 220}}) {
        engine::InpaintCandidate candidate;
        candidate.layer = solid(80, 40, c[0], c[1], c[2]);
        entry.result.candidates.push_back(candidate);
    }
    const int entryId = document.addStagingEntry(entry);
    return app::acceptStagedCandidate(document, entryId, 0);
}

} // namespace

TEST_CASE("the candidate mixer paints another staged candidate into the accepted layer",
          "[ui][mixer]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.resize(1100, 800);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QImage picture(160, 100, QImage::Format_RGB32);
    picture.fill(Qt::gray);
    document.reset(picture);
    const int layerId = stageAndAccept(document);
    REQUIRE(layerId >= 0);
    REQUIRE(app::mixableEntry(document, layerId));
    const int undoSteps = document.undoStack()->count();

    window.tools()->mixerAction()->trigger();
    auto* candidate = window.findChild<QComboBox*>(QStringLiteral("mixerCandidate"));
    REQUIRE(candidate);
    CHECK(candidate->count() == 3);
    // The tool is on the tools bar; its options show the candidate and the size, no hardness.
    CHECK(window.tools()->toolsBar()->actions().contains(window.tools()->mixerAction()));
    QCoreApplication::processEvents();
    CHECK(candidate->isVisible());
    CHECK_FALSE(window.findChild<QWidget*>(QStringLiteral("brushHardness"))->isVisible());
    candidate->setCurrentIndex(1); // green
    window.tools()->setBrushDiameter(16);
    ui::CanvasView& canvas = *window.canvas();
    QTest::mousePress(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {30, 40}));
    QTest::mouseMove(&canvas, widgetPoint(canvas, {40, 40}));
    QTest::mouseMove(&canvas, widgetPoint(canvas, {50, 40}));
    QTest::mouseRelease(&canvas, Qt::LeftButton, Qt::NoModifier, widgetPoint(canvas, {50, 40}));

    const app::Layer* layer = document.layerById(layerId);
    REQUIRE(layer);
    const QImage pixels = layer->pixels.convertToFormat(QImage::Format_ARGB32);
    // Layer coordinates: the layer sits at (20, 20).
    // Painted: green, its tone evened out towards the red around it by at most 24 levels.
    CHECK(qGreen(pixels.pixel(20, 20)) >= 176);
    CHECK(qRed(pixels.pixel(20, 20)) <= 54);
    CHECK(pixels.pixel(70, 20) == qRgb(220, 30, 30)); // far from the stroke: red
    CHECK(pixels.pixel(20, 2) == qRgb(220, 30, 30));  // 18 px above the stroke: red
    const QRgb edge = pixels.pixel(20, 27);           // the soft edge: in between
    CHECK(qGreen(edge) > 30);
    CHECK(qGreen(edge) < 200);
    CHECK(layer->generation.candidateMap.constScanLine(20)[20] == 2);
    CHECK(layer->generation.candidateMap.constScanLine(20)[70] == 1);
    CHECK(document.undoStack()->count() == undoSteps + 1);
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    REQUIRE(window.grab().save(dir + QStringLiteral("/candidate-mixer.png")));

    document.undoStack()->undo();
    CHECK(document.layerById(layerId)->pixels.convertToFormat(QImage::Format_ARGB32).pixel(20, 20) ==
          qRgb(220, 30, 30));
}

TEST_CASE("the candidate mixer refuses what it cannot mix and changes nothing", "[ui][mixer]") {
    app::Document document;
    QImage picture(160, 100, QImage::Format_RGB32);
    picture.fill(Qt::gray);
    document.reset(picture);
    const int layerId = stageAndAccept(document);
    const int steps = document.undoStack()->count();
    QString error;
    QImage wrongSize(10, 10, QImage::Format_Grayscale8);
    wrongSize.fill(255);
    CHECK_FALSE(app::mixCandidateIntoLayer(document, layerId, 1, wrongSize, &error));
    CHECK(error.contains(QStringLiteral("does not fit")));
    QImage weights(80, 40, QImage::Format_Grayscale8);
    weights.fill(255);
    CHECK_FALSE(app::mixCandidateIntoLayer(document, layerId, 7, weights, &error));
    CHECK(error.contains(QStringLiteral("no candidate 8")));
    // The background layer was not generated: nothing to mix.
    const int background = document.layers().front().id;
    CHECK_FALSE(app::mixCandidateIntoLayer(document, background, 1, weights, &error));
    CHECK(document.undoStack()->count() == steps);
}

TEST_CASE("a mixer stroke evens out the tone of what it paints in at its soft edge", "[ui][mixer]") {
    // Two candidates of one tone but 16 levels apart: painted in, the second meets the first
    // without a step at the stroke's edge.
    app::Document document;
    QImage picture(160, 100, QImage::Format_RGB32);
    picture.fill(Qt::gray);
    document.reset(picture);
    app::StagingEntry entry;
    entry.candidateCount = 2;
    entry.backend = QStringLiteral("telea");
    entry.sourceCanvas = document.canvasSize();
    entry.result.region = engine::Rect{10, 10, 120, 80};
    for (std::uint8_t level : {120, 136}) {
        engine::InpaintCandidate candidate;
        candidate.layer = solid(120, 80, level, level, level);
        entry.result.candidates.push_back(candidate);
    }
    const int layerId = app::acceptStagedCandidate(document, document.addStagingEntry(entry), 0);
    REQUIRE(layerId >= 0);
    // A 64 × 64 stroke with a 6 px soft edge.
    QImage weights(120, 80, QImage::Format_Grayscale8);
    weights.fill(0);
    for (int y = 8; y < 72; ++y)
        for (int x = 28; x < 92; ++x) {
            const int d = std::min({x - 28, 91 - x, y - 8, 71 - y}); // 0 at the edge
            weights.scanLine(y)[x] = uchar(std::min(255, d * 40));
        }
    REQUIRE(app::mixCandidateIntoLayer(document, layerId, 1, weights));
    const QImage pixels = document.layerById(layerId)->pixels.convertToFormat(QImage::Format_ARGB32);
    // 4 px into the stroke (weight 160) a plain blend would show 130; the re-blend keeps it
    // closer to the layer's 120 there, while the middle of the stroke shows the painted-in tone.
    const int edge = qGray(pixels.pixel(60, 12)), middle = qGray(pixels.pixel(60, 40));
    std::cout << "mixer re-blend: 4 px into the stroke " << edge << " (plain blend 130), middle "
              << middle << " (candidate 136)\n";
    CHECK(edge < 127);
    CHECK(middle >= 134);
}
