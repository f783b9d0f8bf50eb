#include "app/ApplyCandidate.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "tests/app/DocumentState.h"
#include "tests/app/TestImages.h"

#include <QEventLoop>
#include <QPainter>
#include <QTimer>
#include <catch2/catch.hpp>

using limner::app::applyCandidateAsLayer;
using limner::app::Document;
using limner::app::EngineClient;
using limner::app::Layer;
namespace engine = limner::engine;

namespace {

// A result as the engine makes it: an opaque green square with a soft-edged alpha.
engine::InpaintResult greenResult(const engine::Rect& region, const std::string& prompt) {
    engine::InpaintResult result;
    result.region = region;
    result.prompt = prompt;
    result.backend = "telea";
    engine::InpaintCandidate candidate;
    candidate.layer = engine::Image(region.width, region.height, 4);
    for (int y = 0; y < region.height; ++y) {
        for (int x = 0; x < region.width; ++x) {
            std::uint8_t* p = candidate.layer.pixel(x, y);
            p[0] = 0;
            p[1] = 200;
            p[2] = 0;
            p[3] = (x == 0 || y == 0) ? 0 : 255;
        }
    }
    result.candidates.push_back(candidate);
    return result;
}

} // namespace

TEST_CASE("An accepted candidate becomes one layer above the target, named after the prompt", "[app]") {
    Document doc;
    doc.reset(TestImages::gradient(64, 48));
    Layer top;
    top.name = QStringLiteral("Top");
    top.pixels = TestImages::translucentPatch(4, 4, qRgb(9, 9, 9), 255);
    doc.addLayer(top, 1, QStringLiteral("Add"));
    const int background = doc.layers()[0].id;
    doc.undoStack()->clear();
    const DocumentState before = DocumentState::capture(doc);

    engine::InpaintResult result = greenResult({10, 8, 20, 16}, "a green square");
    result.targetLayerId = background;
    QString error;
    const int id = applyCandidateAsLayer(doc, result, 0, &error);
    REQUIRE(id > 0);
    CHECK(error.isEmpty());
    CHECK(doc.indexOfLayer(id) == 1);
    CHECK(doc.activeLayerId() == id);
    const Layer& layer = *doc.layerById(id);
    CHECK(layer.name == QStringLiteral("a green square"));
    CHECK(layer.offset == QPoint(10, 8));
    CHECK(layer.pixels.size() == QSize(20, 16));
    const QImage flat = doc.flatten();
    CHECK(flat.pixel(15, 15) == qRgb(0, 200, 0));
    CHECK(flat.pixel(10, 15) == before.flattened.pixel(10, 15)); // alpha 0 column: untouched
    CHECK(doc.undoStack()->count() == 1);
    doc.undoStack()->undo();
    CHECK(DocumentState::capture(doc) == before);
}

TEST_CASE("A candidate without a prompt is named after the backend", "[app]") {
    Document doc;
    doc.reset(TestImages::gradient(64, 48));
    const int id = applyCandidateAsLayer(doc, greenResult({0, 0, 8, 8}, ""), 0);
    REQUIRE(id > 0);
    CHECK(doc.layerById(id)->name == EngineClient::backendLabel(QStringLiteral("telea")));
    CHECK(doc.indexOfLayer(id) == 1); // target gone or unset: on top
}

TEST_CASE("A result for a different canvas or a missing candidate is refused and changes nothing",
          "[app]") {
    Document doc;
    doc.reset(TestImages::gradient(32, 32));
    const DocumentState before = DocumentState::capture(doc);
    QString error;
    CHECK(applyCandidateAsLayer(doc, greenResult({20, 20, 20, 20}, "x"), 0, &error) == -1);
    CHECK(error.contains(QStringLiteral("different canvas")));
    CHECK(applyCandidateAsLayer(doc, greenResult({0, 0, 8, 8}, "x"), 1, &error) == -1);
    CHECK(error.contains(QStringLiteral("no candidate 2")));
    CHECK(DocumentState::capture(doc) == before);
    CHECK(doc.undoStack()->count() == 0);
}

TEST_CASE("A real telea result applied as a layer changes only the masked area", "[app][engine]") {
    Document doc;
    doc.reset(TestImages::photo(QStringLiteral("coffee.png")));
    const QImage original = doc.flatten();
    const QRect hole(120, 90, 50, 30);
    QImage mask(doc.canvasSize(), QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter(&mask).fillRect(hole, Qt::white);
    REQUIRE(doc.setMaskRegion(mask, QStringLiteral("Mask")));

    EngineClient client;
    std::optional<engine::InpaintResult> result;
    QString failure;
    QEventLoop loop;
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    QObject::connect(&client, &EngineClient::finished, &loop,
                     [&](quint64, const engine::InpaintResult& r) {
                         result = r;
                         loop.quit();
                     });
    QObject::connect(&client, &EngineClient::failed, &loop, [&](quint64, const QString& m) {
        failure = m;
        loop.quit();
    });
    engine::InpaintRequest request =
        EngineClient::makeRequest(doc, QString(), QStringLiteral("telea"), 0, 1);
    request.composite.blendFeather = 0; // a hard edge: exactly the masked pixels may change
    client.submit(request);
    loop.exec();
    INFO(failure.toStdString());
    REQUIRE(result.has_value());
    REQUIRE(applyCandidateAsLayer(doc, *result, 0) > 0);

    const QImage edited = doc.flatten();
    int changedInside = 0;
    for (int y = 0; y < edited.height(); ++y) {
        for (int x = 0; x < edited.width(); ++x) {
            if (hole.contains(x, y))
                changedInside += edited.pixel(x, y) != original.pixel(x, y);
            else if (mask.constScanLine(y)[x] == 0 && edited.pixel(x, y) != original.pixel(x, y))
                FAIL("pixel " << x << "," << y << " outside the mask changed");
        }
    }
    CHECK(changedInside > hole.width() * hole.height() / 2);
}
