#include "app/Document.h"
#include "tests/app/DocumentState.h"
#include "tests/app/TestImages.h"

#include <QPainter>
#include <catch2/catch.hpp>
#include <functional>

using limner::app::Document;
using limner::app::Layer;

namespace {

// A background and two translucent layers, one hanging past the canvas edge, with a mask.
void makeThreeLayerDocument(Document& doc) {
    doc.reset(TestImages::gradient(64, 48));
    Layer red;
    red.name = QStringLiteral("Red");
    red.pixels = TestImages::translucentPatch(20, 16, qRgb(220, 30, 30), 160);
    red.offset = QPoint(10, 5);
    doc.addLayer(red, 1, QStringLiteral("Add"));
    Layer blue;
    blue.name = QStringLiteral("Blue");
    blue.pixels = TestImages::gradient(24, 24, 5);
    blue.offset = QPoint(-8, 30);
    blue.opacity = 0.6;
    doc.addLayer(blue, 2, QStringLiteral("Add"));
    QImage mask(doc.canvasSize(), QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter(&mask).fillRect(QRect(20, 10, 15, 12), Qt::white);
    doc.setMaskRegion(mask, QStringLiteral("Mask"));
    doc.undoStack()->clear();
}

// Performs an edit, then checks that undo gives back exactly the state before it and redo
// exactly the state after it, with a new revision each time.
void requireRoundTrip(Document& doc, const std::function<void()>& edit) {
    const DocumentState before = DocumentState::capture(doc);
    const int stepsBefore = doc.undoStack()->count();
    quint64 revision = doc.revision();
    edit();
    const DocumentState after = DocumentState::capture(doc);
    REQUIRE(after != before);
    REQUIRE(doc.undoStack()->count() == stepsBefore + 1);
    REQUIRE(doc.revision() > revision);

    revision = doc.revision();
    doc.undoStack()->undo();
    CHECK(DocumentState::capture(doc) == before);
    REQUIRE(doc.revision() > revision);

    revision = doc.revision();
    doc.undoStack()->redo();
    CHECK(DocumentState::capture(doc) == after);
    REQUIRE(doc.revision() > revision);
}

int layerId(const Document& doc, int index) {
    return doc.layers()[static_cast<std::size_t>(index)].id;
}

} // namespace

TEST_CASE("Every document edit is undone and redone to identical pixels and layers", "[app][undo]") {
    Document doc;
    makeThreeLayerDocument(doc);
    REQUIRE(doc.layerCount() == 3);

    SECTION("add layer") {
        Layer layer;
        layer.name = QStringLiteral("New");
        layer.pixels = TestImages::translucentPatch(8, 8, qRgb(0, 255, 0), 255);
        layer.offset = QPoint(3, 3);
        requireRoundTrip(doc, [&] { REQUIRE(doc.addLayer(layer, 1, QStringLiteral("Add")) > 0); });
    }
    SECTION("remove layer") {
        requireRoundTrip(doc, [&] { REQUIRE(doc.removeLayer(layerId(doc, 1))); });
    }
    SECTION("duplicate layer") {
        requireRoundTrip(doc, [&] { REQUIRE(doc.duplicateLayer(layerId(doc, 1)) > 0); });
    }
    SECTION("merge down") {
        requireRoundTrip(doc, [&] { REQUIRE(doc.mergeDown(layerId(doc, 2))); });
    }
    SECTION("move layer") {
        requireRoundTrip(doc, [&] { REQUIRE(doc.moveLayer(layerId(doc, 2), 0)); });
    }
    SECTION("rename layer") {
        requireRoundTrip(doc,
                         [&] { REQUIRE(doc.renameLayer(layerId(doc, 1), QStringLiteral("Sky"))); });
    }
    SECTION("hide layer") {
        requireRoundTrip(doc, [&] { REQUIRE(doc.setLayerVisible(layerId(doc, 1), false)); });
    }
    SECTION("layer opacity") {
        requireRoundTrip(doc, [&] { REQUIRE(doc.setLayerOpacity(layerId(doc, 1), 0.25)); });
    }
    SECTION("mask stroke") {
        requireRoundTrip(doc, [&] {
            doc.beginMaskStroke();
            QPainter painter(&doc.maskForLiveStroke());
            painter.fillRect(QRect(40, 30, 6, 6), Qt::white);
            painter.end();
            doc.notifyMaskPainted(QRect(40, 30, 6, 6));
            doc.endMaskStroke(QStringLiteral("Brush"));
        });
    }
    SECTION("replace mask") {
        QImage mask(doc.canvasSize(), QImage::Format_Grayscale8);
        mask.fill(255);
        requireRoundTrip(doc, [&] { REQUIRE(doc.setMaskRegion(mask, QStringLiteral("All"))); });
    }
    SECTION("invert mask") {
        requireRoundTrip(doc, [&] { doc.invertMask(); });
    }
    SECTION("clear mask") {
        requireRoundTrip(doc, [&] { doc.clearMask(); });
    }
    SECTION("grow mask") {
        requireRoundTrip(doc, [&] { doc.growMask(3); });
    }
    SECTION("shrink mask") {
        requireRoundTrip(doc, [&] { doc.shrinkMask(2); });
    }
}

TEST_CASE("Undoing a long series of edits returns to the opened picture", "[app][undo]") {
    Document doc;
    makeThreeLayerDocument(doc);
    const DocumentState opened = DocumentState::capture(doc);
    doc.setLayerOpacity(layerId(doc, 2), 0.3);
    doc.moveLayer(layerId(doc, 0), 2);
    doc.duplicateLayer(layerId(doc, 1));
    doc.mergeDown(layerId(doc, 2));
    doc.setLayerVisible(layerId(doc, 0), false);
    doc.growMask(4);
    doc.removeLayer(layerId(doc, 1));
    doc.renameLayer(layerId(doc, 0), QStringLiteral("Renamed"));
    const DocumentState edited = DocumentState::capture(doc);
    REQUIRE(edited != opened);

    while (doc.undoStack()->canUndo())
        doc.undoStack()->undo();
    CHECK(DocumentState::capture(doc) == opened);
    while (doc.undoStack()->canRedo())
        doc.undoStack()->redo();
    CHECK(DocumentState::capture(doc) == edited);
}
