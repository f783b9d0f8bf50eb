#include "app/Document.h"
#include "app/LayerComposite.h"
#include "tests/app/TestImages.h"

#include <QRandomGenerator>
#include <catch2/catch.hpp>
#include <cstdlib>

using limner::app::Document;
using limner::app::Layer;
using limner::app::LayerComposite;

namespace {

// Premultiplied pixels of every alpha, so rounding in any blend step shows.
QImage noise(int width, int height, quint32 seed) {
    QRandomGenerator random(seed);
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int a = random.bounded(256);
            row[x] = qRgba(random.bounded(a + 1), random.bounded(a + 1), random.bounded(a + 1), a);
        }
    }
    return image;
}

Layer layer(const QString& name, const QImage& pixels, const QPoint& offset, qreal opacity) {
    Layer l;
    l.name = name;
    l.pixels = pixels;
    l.offset = offset;
    l.opacity = opacity;
    return l;
}

// An odd-sized canvas (partial bands and blocks) with translucent layers that hang past every
// edge, one larger than the canvas.
void makeDocument(Document& doc) {
    doc.reset(TestImages::gradient(333, 211));
    doc.addLayer(layer(QStringLiteral("noise"), noise(200, 150, 1), QPoint(40, 30), 0.8), 1, {});
    doc.addLayer(layer(QStringLiteral("patch"),
                       TestImages::translucentPatch(120, 90, qRgb(30, 200, 90), 140), QPoint(-30, 150),
                       1.0),
                 2, {});
    doc.addLayer(layer(QStringLiteral("wide"), noise(400, 260, 2), QPoint(-20, -25), 0.45), 3, {});
    doc.addLayer(layer(QStringLiteral("top"), noise(90, 120, 3), QPoint(280, 100), 0.7), 4, {});
    doc.undoStack()->clear();
}

QImage scratch(const Document& doc, const QRect& rect) {
    return LayerComposite::fromScratch(doc.layers(), doc.canvasSize(), rect);
}

// Asks for part of the picture first (so the kept composite is current there only), then for
// all of it, and compares both with a composite from scratch.
void requireSameAsScratch(const Document& doc) {
    const QRect part(60, 45, 150, 100);
    REQUIRE(doc.flatten(part) == scratch(doc, part));
    const QRect pastEdge(250, 150, 150, 100);
    REQUIRE(doc.flatten(pastEdge) == scratch(doc, pastEdge));
    REQUIRE(doc.flatten() == scratch(doc, doc.canvasRect()));
}

int idAt(const Document& doc, int index) {
    return doc.layers()[std::size_t(index)].id;
}

// The mean of the premultiplied pixels of each block of 2^level × 2^level canvas pixels.
QImage boxFiltered(const QImage& image, int level) {
    const int s = 1 << level;
    const QSize size = LayerComposite::levelSize(image.size(), level);
    QImage out(size, QImage::Format_ARGB32_Premultiplied);
    for (int by = 0; by < size.height(); ++by) {
        for (int bx = 0; bx < size.width(); ++bx) {
            int sum[4] = {0, 0, 0, 0};
            int count = 0;
            for (int y = by * s; y < std::min(by * s + s, image.height()); ++y) {
                for (int x = bx * s; x < std::min(bx * s + s, image.width()); ++x) {
                    const QRgb p = reinterpret_cast<const QRgb*>(image.constScanLine(y))[x];
                    sum[0] += qRed(p);
                    sum[1] += qGreen(p);
                    sum[2] += qBlue(p);
                    sum[3] += qAlpha(p);
                    ++count;
                }
            }
            reinterpret_cast<QRgb*>(out.scanLine(by))[bx] =
                qRgba((sum[0] + count / 2) / count, (sum[1] + count / 2) / count,
                      (sum[2] + count / 2) / count, (sum[3] + count / 2) / count);
        }
    }
    return out;
}

} // namespace

TEST_CASE("The kept composite stays pixel-identical to a composite from scratch through every "
          "kind of layer edit, undo and redo",
          "[app][composite]") {
    Document doc;
    makeDocument(doc);
    requireSameAsScratch(doc);
    QUndoStack& undo = *doc.undoStack();

    // An opacity drag and toggles of one layer: the stack below it is kept and reused.
    const int noiseId = idAt(doc, 1);
    for (const qreal opacity : {0.7, 0.55, 0.2, 0.9}) {
        REQUIRE(doc.setLayerOpacity(noiseId, opacity));
        requireSameAsScratch(doc);
    }
    REQUIRE(doc.setLayerVisible(noiseId, false));
    requireSameAsScratch(doc);
    REQUIRE(doc.setLayerVisible(noiseId, true));
    requireSameAsScratch(doc);

    // Another layer, then the bottom one, then the top one.
    REQUIRE(doc.setLayerOpacity(idAt(doc, 3), 0.3));
    requireSameAsScratch(doc);
    REQUIRE(doc.setLayerVisible(idAt(doc, 0), false));
    requireSameAsScratch(doc);
    REQUIRE(doc.setLayerVisible(idAt(doc, 0), true));
    requireSameAsScratch(doc);
    REQUIRE(doc.setLayerOpacity(idAt(doc, 4), 0.25));
    requireSameAsScratch(doc);

    // New pixels (merge down), reorder, add, duplicate, remove.
    REQUIRE(doc.mergeDown(idAt(doc, 2)));
    requireSameAsScratch(doc);
    REQUIRE(doc.moveLayer(idAt(doc, 3), 1));
    requireSameAsScratch(doc);
    REQUIRE(doc.moveLayer(idAt(doc, 0), 2));
    requireSameAsScratch(doc);
    REQUIRE(doc.addLayer(layer(QStringLiteral("new"), noise(64, 64, 4), QPoint(10, 10), 0.6), 2, {}) >
            0);
    requireSameAsScratch(doc);
    REQUIRE(doc.duplicateLayer(idAt(doc, 1)) > 0);
    requireSameAsScratch(doc);
    REQUIRE(doc.setLayerOpacity(idAt(doc, 2), 0.5));
    requireSameAsScratch(doc);
    REQUIRE(doc.removeLayer(idAt(doc, 2)));
    requireSameAsScratch(doc);

    // Every step back and forth again.
    while (undo.canUndo()) {
        undo.undo();
        requireSameAsScratch(doc);
    }
    while (undo.canRedo()) {
        undo.redo();
        requireSameAsScratch(doc);
    }
    undo.setIndex(undo.count() / 2);
    requireSameAsScratch(doc);

    // A new picture replaces everything.
    doc.reset(TestImages::gradient(97, 65, 9));
    requireSameAsScratch(doc);
}

TEST_CASE("A flattened picture handed out stays as it was when the kept composite changes",
          "[app][composite]") {
    Document doc;
    makeDocument(doc);
    const QImage before = doc.flatten();
    const QImage copy = before.copy();
    REQUIRE(doc.setLayerVisible(idAt(doc, 3), false));
    const QImage after = doc.flatten();
    CHECK(before == copy);
    CHECK(after != before);
    CHECK(after == scratch(doc, doc.canvasRect()));
}

TEST_CASE("Zoomed-out levels show the box-filtered picture and follow its changes",
          "[app][composite]") {
    Document doc;
    makeDocument(doc);
    CHECK(LayerComposite::levelSize(doc.canvasSize(), 2) == QSize(84, 53));
    CHECK(LayerComposite::levelRect(doc.canvasSize(), 2, QRect(5, 7, 10, 300)) == QRect(1, 1, 3, 52));
    CHECK(LayerComposite::maxLevel(QSize(8192, 6000)) == 6);
    CHECK(LayerComposite::maxLevel(QSize(100, 100)) == 0);

    // One opaque layer: a level is exactly the layer's box filter.
    Document single;
    single.reset(TestImages::gradient(130, 70));
    for (const int level : {1, 2, 3}) {
        const QImage& reduced = single.composite(level, QRect(0, 0, 1000, 1000));
        CHECK(reduced == boxFiltered(single.flatten(), level));
    }

    // Translucent layers: close to the box-filtered composite. Averaging and source-over do not
    // commute, so where translucent noise overlaps they differ by more than rounding.
    for (const int level : {1, 3}) {
        const QImage& reduced = doc.composite(level, QRect(0, 0, 1000, 1000));
        const QImage expected = boxFiltered(doc.flatten(), level);
        CHECK(TestImages::meanAbsDiff(reduced, expected) < 1.5);
    }
    REQUIRE(doc.setLayerVisible(idAt(doc, 0), false)); // the opaque background goes
    REQUIRE(doc.setLayerOpacity(idAt(doc, 2), 0.3));
    const QImage reduced = doc.composite(2, QRect(0, 0, 1000, 1000));
    CHECK(TestImages::meanAbsDiff(reduced, boxFiltered(doc.flatten(), 2)) < 1.5);
    // Only the part asked for is brought up to date.
    REQUIRE(doc.setLayerVisible(idAt(doc, 0), true));
    const QImage& part = doc.composite(2, QRect(0, 0, 40, 53));
    const QImage fresh = boxFiltered(doc.flatten(), 2);
    CHECK(TestImages::meanAbsDiff(part.copy(0, 0, 40, 53), fresh.copy(0, 0, 40, 53)) < 1.5);
    CHECK(part.copy(50, 0, 34, 53) == reduced.copy(50, 0, 34, 53));
}
