#include "app/Document.h"
#include "app/MaskEditCommand.h"
#include "tests/app/TestImages.h"

#include <QPainter>
#include <catch2/catch.hpp>

using limner::app::Document;
using limner::app::MaskEditCommand;

namespace {

int maskArea(const QImage& mask) {
    int area = 0;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* row = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            area += row[x] != 0;
    }
    return area;
}

void dab(Document& doc, const QRect& rect) {
    QPainter painter(&doc.maskForLiveStroke());
    painter.fillRect(rect, Qt::white);
    painter.end();
    doc.notifyMaskPainted(rect);
}

} // namespace

TEST_CASE("A mask stroke of many dabs is one undo step holding only the changed rectangle",
          "[app][mask]") {
    Document doc;
    doc.reset(TestImages::gradient(200, 150));
    int liveUpdates = 0;
    QObject::connect(&doc, &Document::maskChanged, [&](const QRect&) { ++liveUpdates; });

    doc.beginMaskStroke();
    dab(doc, QRect(10, 20, 5, 5));
    dab(doc, QRect(30, 22, 5, 5));
    dab(doc, QRect(50, 40, 5, 5));
    CHECK(liveUpdates == 3);
    CHECK(doc.undoStack()->count() == 0);
    doc.endMaskStroke(QStringLiteral("Brush"));

    REQUIRE(doc.undoStack()->count() == 1);
    const auto* command = dynamic_cast<const MaskEditCommand*>(doc.undoStack()->command(0));
    REQUIRE(command != nullptr);
    CHECK(command->changedRect() == QRect(QPoint(10, 20), QPoint(54, 44)));
    CHECK(maskArea(doc.mask()) == 75);

    doc.undoStack()->undo();
    CHECK(doc.maskIsEmpty());
    doc.undoStack()->redo();
    CHECK(maskArea(doc.mask()) == 75);
}

TEST_CASE("A stroke that changes nothing leaves no undo step; a cancelled one leaves no trace",
          "[app][mask]") {
    Document doc;
    doc.reset(TestImages::gradient(64, 64));
    doc.beginMaskStroke();
    doc.endMaskStroke(QStringLiteral("Brush"));
    CHECK(doc.undoStack()->count() == 0);

    const quint64 revision = doc.revision();
    doc.beginMaskStroke();
    dab(doc, QRect(5, 5, 10, 10));
    doc.cancelMaskStroke();
    CHECK(doc.maskIsEmpty());
    CHECK(doc.undoStack()->count() == 0);
    CHECK(doc.revision() == revision);
}

TEST_CASE("A stroke that forgot to report its dabs still records the right rectangle", "[app][mask]") {
    Document doc;
    doc.reset(TestImages::gradient(64, 64));
    doc.beginMaskStroke();
    QPainter painter(&doc.maskForLiveStroke());
    painter.fillRect(QRect(40, 3, 4, 2), Qt::white);
    painter.end();
    doc.endMaskStroke(QString());
    REQUIRE(doc.undoStack()->count() == 1);
    CHECK(dynamic_cast<const MaskEditCommand*>(doc.undoStack()->command(0))->changedRect() ==
          QRect(40, 3, 4, 2));
}

TEST_CASE("Mask operations invert, clear, grow and shrink the mask as single undo steps",
          "[app][mask]") {
    Document doc;
    doc.reset(TestImages::gradient(80, 60));
    QImage mask(80, 60, QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter(&mask).fillRect(QRect(30, 20, 20, 20), Qt::white);
    REQUIRE(doc.setMaskRegion(mask, QStringLiteral("Mask")));
    REQUIRE(maskArea(doc.mask()) == 400);

    SECTION("invert") {
        doc.invertMask();
        CHECK(maskArea(doc.mask()) == 80 * 60 - 400);
        CHECK(doc.mask().constScanLine(0)[0] == 255);
    }
    SECTION("clear") {
        doc.clearMask();
        CHECK(doc.maskIsEmpty());
    }
    SECTION("grow") {
        doc.growMask(3);
        CHECK(maskArea(doc.mask()) > 400);
        CHECK(doc.mask().constScanLine(30)[28] == 255);
    }
    SECTION("shrink") {
        doc.shrinkMask(3);
        CHECK(maskArea(doc.mask()) < 400);
        CHECK(maskArea(doc.mask()) > 0);
        CHECK(doc.mask().constScanLine(30)[31] == 0);
    }
    CHECK(doc.undoStack()->count() == 2);
    doc.undoStack()->undo();
    CHECK(doc.mask() == mask);
}

TEST_CASE("A mask of the wrong size is refused and changes nothing", "[app][mask]") {
    Document doc;
    doc.reset(TestImages::gradient(80, 60));
    QImage wrong(80, 61, QImage::Format_Grayscale8);
    wrong.fill(255);
    CHECK_FALSE(doc.setMaskRegion(wrong, QStringLiteral("Mask")));
    CHECK(doc.maskIsEmpty());
    CHECK(doc.undoStack()->count() == 0);
}
