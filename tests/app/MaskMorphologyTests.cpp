#include "app/Document.h"
#include "app/ImageConvert.h"
#include "app/MaskMorphology.h"
#include "app/MaskResizeTask.h"
#include "engine/imaging/MaskOps.h"

#include <QPainter>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <atomic>
#include <catch2/catch.hpp>

using limner::app::Document;
using limner::app::MaskResizeTask;
using limner::app::ImageConvert::toEngineMask;
using limner::app::ImageConvert::toQImage;
namespace MaskMorphology = limner::app::MaskMorphology;
namespace imaging = limner::engine::imaging;

namespace {

// Discs and boxes with soft (1…254) and hard values, some cut by the canvas edges, holes
// inside, and lone pixels.
QImage randomMask(int width, int height, quint32 seed) {
    QRandomGenerator random(seed);
    QImage mask(width, height, QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter p(&mask);
    p.setPen(Qt::NoPen);
    for (int i = 0; i < 14; ++i) {
        const int v = i % 3 == 0 ? 1 + random.bounded(254) : 255;
        p.setBrush(QColor(v, v, v));
        const QPoint c(random.bounded(-20, width + 20), random.bounded(-20, height + 20));
        const int r = random.bounded(3, std::max(4, std::min(width, height) / 5));
        if (i % 2)
            p.drawEllipse(c, r, r * 2 / 3);
        else
            p.drawRect(QRect(c, QSize(r, r * 3 / 2)));
        if (i % 4 == 1) {
            p.setBrush(Qt::black);
            p.drawEllipse(c, r / 3, r / 3);
        }
    }
    p.end();
    for (int i = 0; i < 20; ++i)
        mask.scanLine(random.bounded(height))[random.bounded(width)] = 200;
    return mask;
}

QImage engineGrow(const QImage& mask, int px) {
    return toQImage(imaging::growMask(toEngineMask(mask), px));
}

QImage engineShrink(const QImage& mask, int px) {
    return toQImage(imaging::shrinkMask(toEngineMask(mask), px));
}

} // namespace

TEST_CASE("Growing and shrinking in parallel bands gives exactly the whole-image result",
          "[app][mask]") {
    // Tall canvases split into several bands; px from one pixel to more than a band.
    const QSize sizes[] = {QSize(301, 1250), QSize(640, 480), QSize(90, 700)};
    quint32 seed = 1;
    for (const QSize& size : sizes) {
        const QImage mask = randomMask(size.width(), size.height(), seed++);
        for (const int px : {1, 4, 17, 70, 300}) {
            INFO(size.width() << "×" << size.height() << ", " << px << " px");
            CHECK(MaskMorphology::grow(mask, px) == engineGrow(mask, px));
            CHECK(MaskMorphology::shrink(mask, px) == engineShrink(mask, px));
        }
    }
    // A small mask in a corner of a large canvas: only its surroundings are worked on.
    QImage corner(1500, 1500, QImage::Format_Grayscale8);
    corner.fill(0);
    QPainter(&corner).fillRect(QRect(1400, 0, 100, 60), Qt::white);
    CHECK(MaskMorphology::grow(corner, 25) == engineGrow(corner, 25));
    CHECK(MaskMorphology::shrink(corner, 25) == engineShrink(corner, 25));
}

TEST_CASE("Growing or shrinking an empty or a full mask", "[app][mask]") {
    QImage empty(200, 300, QImage::Format_Grayscale8);
    empty.fill(0);
    CHECK(MaskMorphology::grow(empty, 5) == empty);
    CHECK(MaskMorphology::shrink(empty, 5) == empty);
    QImage full(200, 300, QImage::Format_Grayscale8);
    full.fill(255);
    CHECK(MaskMorphology::grow(full, 5) == full);
    CHECK(MaskMorphology::shrink(full, 5) == full); // the canvas edge does not erode
    CHECK(MaskMorphology::bounds(empty).isEmpty());
    CHECK(MaskMorphology::bounds(randomMask(50, 40, 3)) ==
          MaskMorphology::bounds(randomMask(50, 40, 3)));
}

TEST_CASE("A cancelled grow returns nothing; progress counts every band", "[app][mask]") {
    const QImage mask = randomMask(400, 1200, 7);
    std::atomic_bool cancel{true};
    CHECK(MaskMorphology::grow(mask, 10, &cancel).isNull());
    cancel = false;
    std::atomic_int calls{0};
    std::atomic_int total{0};
    std::atomic_int highest{0};
    const QImage grown = MaskMorphology::grow(mask, 10, &cancel, [&](int done, int bands) {
        ++calls;
        total = bands;
        highest = std::max(highest.load(), done);
    });
    CHECK(grown == engineGrow(mask, 10));
    CHECK(total.load() > 1);
    CHECK(calls.load() == total.load());
    CHECK(highest.load() == total.load());
}

TEST_CASE("Growing the mask in the background is one undo step, dropped if the mask changed "
          "meanwhile, and nothing when cancelled",
          "[app][mask]") {
    Document doc;
    doc.reset(QImage(640, 480, QImage::Format_RGB32));
    const QImage mask = randomMask(640, 480, 11);
    REQUIRE(doc.setMaskRegion(mask, QStringLiteral("Mask")));
    doc.undoStack()->clear();

    SECTION("applied") {
        MaskResizeTask task(doc, MaskResizeTask::Operation::Grow, 12);
        QSignalSpy finished(&task, &MaskResizeTask::finished);
        QSignalSpy progressed(&task, &MaskResizeTask::progressed);
        REQUIRE(task.start());
        CHECK_FALSE(task.start()); // one at a time
        CHECK(doc.mask() == mask); // nothing changes before the result is in
        REQUIRE(finished.wait(20000));
        CHECK(finished.first().at(0).toBool());
        CHECK(doc.mask() == engineGrow(mask, 12));
        CHECK(doc.undoStack()->count() == 1);
        CHECK(doc.undoStack()->undoText() == QStringLiteral("Grow Mask"));
        CHECK_FALSE(progressed.isEmpty());
        doc.undoStack()->undo();
        CHECK(doc.mask() == mask);
    }
    SECTION("the mask changed meanwhile") {
        MaskResizeTask task(doc, MaskResizeTask::Operation::Shrink, 6);
        QSignalSpy finished(&task, &MaskResizeTask::finished);
        REQUIRE(task.start());
        doc.clearMask(); // the result arrives through the event loop, so always after this
        REQUIRE(finished.wait(20000));
        CHECK_FALSE(finished.first().at(0).toBool());
        CHECK(doc.maskIsEmpty());
        CHECK(doc.undoStack()->count() == 1); // the clear only
    }
    SECTION("cancelled") {
        Document big;
        big.reset(QImage(3000, 3000, QImage::Format_RGB32));
        const QImage bigMask = randomMask(3000, 3000, 12);
        REQUIRE(big.setMaskRegion(bigMask, QStringLiteral("Mask")));
        MaskResizeTask task(big, MaskResizeTask::Operation::Grow, 40);
        QSignalSpy finished(&task, &MaskResizeTask::finished);
        REQUIRE(task.start());
        task.cancel();
        REQUIRE(finished.wait(20000));
        CHECK_FALSE(finished.first().at(0).toBool());
        CHECK(big.mask() == bigMask);
        CHECK(big.undoStack()->count() == 1);
    }
}
