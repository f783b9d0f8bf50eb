#include "app/Document.h"
#include "tests/app/DocumentState.h"
#include "tests/app/TestImages.h"

#include <QColor>
#include <catch2/catch.hpp>
#include <cstdlib>

using limner::app::Document;
using limner::app::Layer;

namespace {

Layer solidLayer(const QString& name, const QSize& size, QColor colour, QPoint offset = {}) {
    Layer layer;
    layer.name = name;
    layer.pixels = QImage(size, QImage::Format_ARGB32_Premultiplied);
    layer.pixels.fill(colour);
    layer.offset = offset;
    return layer;
}

QImage white(int w, int h) {
    QImage image(w, h, QImage::Format_RGB32);
    image.fill(Qt::white);
    return image;
}

bool near(QRgb a, QRgb b, int tolerance) {
    return std::abs(qRed(a) - qRed(b)) <= tolerance && std::abs(qGreen(a) - qGreen(b)) <= tolerance &&
           std::abs(qBlue(a) - qBlue(b)) <= tolerance && std::abs(qAlpha(a) - qAlpha(b)) <= tolerance;
}

} // namespace

TEST_CASE("Opening a picture gives one background layer, an empty mask and no undo history", "[app]") {
    Document doc;
    doc.reset(TestImages::photo(QStringLiteral("coffee.png")));
    REQUIRE(doc.layerCount() == 1);
    CHECK(doc.canvasSize() == QSize(TestImages::photo(QStringLiteral("coffee.png")).size()));
    CHECK(doc.layers()[0].name == QStringLiteral("Background"));
    CHECK(doc.layers()[0].pixels.format() == QImage::Format_ARGB32_Premultiplied);
    CHECK(doc.activeLayerId() == doc.layers()[0].id);
    CHECK(doc.mask().format() == QImage::Format_Grayscale8);
    CHECK(doc.mask().size() == doc.canvasSize());
    CHECK(doc.maskIsEmpty());
    CHECK(doc.undoStack()->count() == 0);
    CHECK(doc.flatten().convertToFormat(QImage::Format_RGB32) ==
          TestImages::photo(QStringLiteral("coffee.png")).convertToFormat(QImage::Format_RGB32));
}

TEST_CASE("Flatten composites visible layers with opacity and offset, clipped to the canvas", "[app]") {
    Document doc;
    doc.reset(white(40, 30));
    Layer red = solidLayer(QStringLiteral("Red"), QSize(20, 20), Qt::red, QPoint(30, 20));
    red.opacity = 0.5;
    const int redId = doc.addLayer(red, 1, QStringLiteral("Add"));
    REQUIRE(redId > 0);

    const QImage flat = doc.flatten();
    REQUIRE(flat.size() == QSize(40, 30));
    CHECK(flat.pixel(5, 5) == qRgb(255, 255, 255));          // outside the layer
    CHECK(near(flat.pixel(35, 25), qRgb(255, 127, 127), 1)); // half red over white
    CHECK(flat.pixel(29, 25) == qRgb(255, 255, 255));        // just left of the offset

    const QImage part = doc.flatten(QRect(30, 20, 20, 20)); // half of it past the canvas
    REQUIRE(part.size() == QSize(20, 20));
    CHECK(near(part.pixel(0, 0), qRgb(255, 127, 127), 1));
    CHECK(qAlpha(part.pixel(15, 15)) == 0); // no picture past the edge

    doc.setLayerVisible(redId, false);
    CHECK(doc.flatten().pixel(35, 25) == qRgb(255, 255, 255));
}

TEST_CASE("Layers are added, removed, duplicated, reordered, renamed, hidden by id", "[app]") {
    Document doc;
    doc.reset(white(32, 32));
    const int background = doc.activeLayerId();

    SECTION("a new layer gets a fresh id and becomes the selection") {
        const int a =
            doc.addLayer(solidLayer(QStringLiteral("A"), {8, 8}, Qt::red), 1, QStringLiteral("Add"));
        const int b =
            doc.addLayer(solidLayer(QStringLiteral("B"), {8, 8}, Qt::blue), 1, QStringLiteral("Add"));
        CHECK(a != background);
        CHECK(b != a);
        CHECK(doc.activeLayerId() == b);
        CHECK(doc.indexOfLayer(b) == 1);
        CHECK(doc.indexOfLayer(a) == 2);
    }
    SECTION("a bad index or an empty image changes nothing") {
        const DocumentState before = DocumentState::capture(doc);
        CHECK(doc.addLayer(solidLayer(QStringLiteral("A"), {8, 8}, Qt::red), 5,
                           QStringLiteral("Add")) == -1);
        CHECK(doc.addLayer(solidLayer(QStringLiteral("A"), {8, 8}, Qt::red), -1,
                           QStringLiteral("Add")) == -1);
        CHECK(doc.addLayer(Layer(), 1, QStringLiteral("Add")) == -1);
        CHECK(DocumentState::capture(doc) == before);
        CHECK(doc.undoStack()->count() == 0);
    }
    SECTION("removing the selected layer selects the one below; an unknown id is refused") {
        const int a =
            doc.addLayer(solidLayer(QStringLiteral("A"), {8, 8}, Qt::red), 1, QStringLiteral("Add"));
        CHECK(doc.removeLayer(a));
        CHECK(doc.layerById(a) == nullptr);
        CHECK(doc.activeLayerId() == background);
        CHECK_FALSE(doc.removeLayer(a));
        CHECK(doc.undoStack()->count() == 2);
    }
    SECTION("a duplicate sits above its original with the same pixels") {
        const int a = doc.addLayer(solidLayer(QStringLiteral("A"), {8, 8}, Qt::red, {4, 4}), 1,
                                   QStringLiteral("Add"));
        const int copy = doc.duplicateLayer(a);
        REQUIRE(copy > 0);
        CHECK(doc.indexOfLayer(copy) == doc.indexOfLayer(a) + 1);
        CHECK(doc.layerById(copy)->name == QStringLiteral("A copy"));
        CHECK(doc.layerById(copy)->pixels == doc.layerById(a)->pixels);
        CHECK(doc.layerById(copy)->offset == QPoint(4, 4));
    }
    SECTION("reordering changes what is on top") {
        const int red =
            doc.addLayer(solidLayer(QStringLiteral("R"), {32, 32}, Qt::red), 1, QStringLiteral("Add"));
        const int blue =
            doc.addLayer(solidLayer(QStringLiteral("B"), {32, 32}, Qt::blue), 2, QStringLiteral("Add"));
        CHECK(doc.flatten().pixel(1, 1) == qRgb(0, 0, 255));
        REQUIRE(doc.moveLayer(red, 2));
        CHECK(doc.indexOfLayer(blue) == 1);
        CHECK(doc.flatten().pixel(1, 1) == qRgb(255, 0, 0));
        CHECK_FALSE(doc.moveLayer(red, 3));
    }
    SECTION("renaming refuses an empty name") {
        CHECK(doc.renameLayer(background, QStringLiteral("Paper")));
        CHECK(doc.layerById(background)->name == QStringLiteral("Paper"));
        CHECK_FALSE(doc.renameLayer(background, QStringLiteral("  ")));
        CHECK(doc.layerById(background)->name == QStringLiteral("Paper"));
    }
}

TEST_CASE("Merge down keeps the picture and the lower layer's id", "[app]") {
    Document doc;
    doc.reset(TestImages::gradient(48, 40));
    Layer a = solidLayer(QStringLiteral("A"), {20, 20}, QColor(0, 200, 0), {5, 5});
    a.opacity = 0.7;
    const int lower = doc.addLayer(a, 1, QStringLiteral("Add"));
    Layer b;
    b.name = QStringLiteral("B");
    b.pixels = TestImages::translucentPatch(20, 30, qRgb(30, 30, 200), 128);
    b.offset = QPoint(15, 20); // reaches past the bottom edge
    b.opacity = 0.8;
    const int upper = doc.addLayer(b, 2, QStringLiteral("Add"));
    const QImage before = doc.flatten();

    REQUIRE(doc.mergeDown(upper));
    CHECK(doc.layerCount() == 2);
    CHECK(doc.layerById(upper) == nullptr);
    REQUIRE(doc.layerById(lower) != nullptr);
    CHECK(doc.layerById(lower)->name == QStringLiteral("A"));
    CHECK(doc.layerById(lower)->opacity == 1.0);
    CHECK(doc.layerById(lower)->canvasRect() == QRect(5, 5, 30, 45));
    CHECK(doc.activeLayerId() == lower);
    CHECK(TestImages::meanAbsDiff(doc.flatten(), before) < 0.5);

    SECTION("the bottom layer has nothing to merge into") {
        CHECK_FALSE(doc.mergeDown(doc.layers()[0].id));
    }
    SECTION("hidden layers in between are skipped") {
        const int hidden =
            doc.addLayer(solidLayer(QStringLiteral("H"), {8, 8}, Qt::yellow), 2, QStringLiteral("Add"));
        doc.setLayerVisible(hidden, false);
        const int top = doc.addLayer(solidLayer(QStringLiteral("T"), {8, 8}, Qt::magenta, {6, 6}), 3,
                                     QStringLiteral("Add"));
        const QImage picture = doc.flatten();
        REQUIRE(doc.mergeDown(top));
        CHECK(doc.layerById(hidden) != nullptr);
        CHECK(doc.flatten() == picture);
        CHECK(doc.layerById(lower)->pixels.pixel(1, 1) == QColor(Qt::magenta).rgb());
    }
}

TEST_CASE("Dragging the opacity slider is one undo step; back to the start is none", "[app][undo]") {
    Document doc;
    doc.reset(white(16, 16));
    const int a =
        doc.addLayer(solidLayer(QStringLiteral("A"), {8, 8}, Qt::red), 1, QStringLiteral("Add"));
    const int b =
        doc.addLayer(solidLayer(QStringLiteral("B"), {8, 8}, Qt::blue), 2, QStringLiteral("Add"));
    const int steps = doc.undoStack()->count();

    for (qreal v : {0.9, 0.8, 0.7, 0.5})
        REQUIRE(doc.setLayerOpacity(a, v));
    CHECK(doc.undoStack()->count() == steps + 1);
    CHECK(doc.layerById(a)->opacity == 0.5);
    doc.undoStack()->undo();
    CHECK(doc.layerById(a)->opacity == 1.0);
    doc.undoStack()->redo();

    REQUIRE(doc.setLayerOpacity(b, 0.4)); // another layer: its own step
    CHECK(doc.undoStack()->count() == steps + 2);
    REQUIRE(doc.setLayerOpacity(b, 0.6));
    REQUIRE(doc.setLayerOpacity(b, 1.0)); // back where it started
    CHECK(doc.undoStack()->count() == steps + 1);
    CHECK(doc.layerById(b)->opacity == 1.0);

    CHECK_FALSE(doc.setLayerOpacity(b, 1.5));
    CHECK_FALSE(doc.setLayerOpacity(b, -0.1));
    CHECK_FALSE(doc.setLayerOpacity(12345, 0.5));
}

TEST_CASE("The revision changes on every edit, undo and redo, and not on refused edits", "[app]") {
    Document doc;
    quint64 signalled = 0;
    QObject::connect(&doc, &Document::revisionChanged, [&](quint64 r) { signalled = r; });
    doc.reset(white(16, 16));
    const quint64 opened = doc.revision();
    CHECK(signalled == opened);

    const int a =
        doc.addLayer(solidLayer(QStringLiteral("A"), {8, 8}, Qt::red), 1, QStringLiteral("Add"));
    const quint64 added = doc.revision();
    CHECK(added > opened);
    CHECK(signalled == added);
    doc.undoStack()->undo();
    const quint64 undone = doc.revision();
    CHECK(undone != added);
    CHECK(undone != opened); // same pixels as before, but a result made in between is stale
    doc.undoStack()->redo();
    CHECK(doc.revision() > undone);

    const quint64 current = doc.revision();
    CHECK_FALSE(doc.removeLayer(9999));
    CHECK_FALSE(doc.setLayerOpacity(a, 2.0));
    doc.setActiveLayerId(doc.layers()[0].id); // selection only
    CHECK(doc.revision() == current);
}
