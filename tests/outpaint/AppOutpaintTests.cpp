#include "../engine/JobRecorder.h"
#include "app/ApplyOutpaint.h"
#include "app/Document.h"
#include "app/ImageConvert.h"
#include "app/OutpaintJob.h"

#include <QImage>
#include <QUndoStack>

using namespace limner;

namespace {

QImage photo(int width, int height) {
    const QImage full(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png"));
    REQUIRE_FALSE(full.isNull());
    return full.copy(40, 60, width, height).convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

engine::InpaintResult run(const engine::InpaintRequest& request) {
    engine::Status status;
    engine::InpaintResult result = engine::test::runToEnd(request, status);
    INFO(status.message());
    REQUIRE(status);
    return result;
}

struct Case {
    const char* name;
    QRect frame; // in the 161×121 picture's coordinates
    QSize grown;
    QPoint pictureAt;
};

} // namespace

TEST_CASE("a frame past one or two edges grows the canvas and undoes as one step with its layer",
          "[outpaint][document]") {
    const auto c =
        GENERATE(Case{"left", QRect(-50, 10, 120, 100), QSize(211, 121), QPoint(50, 0)},
                 Case{"right", QRect(100, 0, 100, 121), QSize(200, 121), QPoint(0, 0)},
                 Case{"top", QRect(20, -33, 100, 90), QSize(161, 154), QPoint(0, 33)},
                 Case{"bottom", QRect(0, 80, 161, 77), QSize(161, 157), QPoint(0, 0)},
                 Case{"top and left", QRect(-40, -30, 120, 100), QSize(201, 151), QPoint(40, 30)},
                 Case{"left and right", QRect(-21, 0, 203, 121), QSize(203, 121), QPoint(21, 0)});
    INFO(c.name);
    app::Document document;
    const QImage picture = photo(161, 121);
    document.reset(picture);
    const QImage before = document.flatten();
    const int undoSteps = document.undoStack()->count();

    QString error;
    app::OutpaintOptions options;
    const app::OutpaintJob job = app::OutpaintJob::forFrame(document, c.frame, options, &error);
    INFO(error.toStdString());
    REQUIRE(job.isValid());
    CHECK(document.canvasSize() == QSize(161, 121)); // nothing changes before accepting
    const engine::InpaintResult result = run(job.request);
    const int id =
        app::applyOutpaintCandidate(document, job.growth, job.sourceCanvas, result, 0, &error);
    REQUIRE(id >= 0);

    CHECK(document.canvasSize() == c.grown);
    CHECK(document.layerCount() == 2);
    CHECK(document.layers().front().offset == c.pictureAt);
    CHECK(document.undoStack()->count() == undoSteps + 1);
    // The new area inside the frame is opaque; the picture away from the seam is unchanged.
    const QImage after = document.flatten();
    const QRect grownFrame = c.frame.translated(c.pictureAt).intersected(QRect(QPoint(0, 0), c.grown));
    const QRect pictureRect(c.pictureAt, picture.size());
    for (int y = grownFrame.top(); y <= grownFrame.bottom(); ++y)
        for (int x = grownFrame.left(); x <= grownFrame.right(); ++x)
            if (!pictureRect.contains(x, y))
                REQUIRE(qAlpha(after.pixel(x, y)) == 255);
    const int seam = result.blendGrow + result.blendFeather + 2;
    const QRect away = pictureRect.adjusted(seam, seam, -seam, -seam);
    CHECK(after.copy(away) == before.copy(away.translated(-c.pictureAt)));

    document.undoStack()->undo();
    CHECK(document.canvasSize() == QSize(161, 121));
    CHECK(document.layerCount() == 1);
    CHECK(document.layers().front().offset == QPoint(0, 0));
    CHECK(document.flatten() == before);
    document.undoStack()->redo();
    CHECK(document.canvasSize() == c.grown);
    CHECK(document.layerCount() == 2);
    CHECK(document.flatten() == after);
}

TEST_CASE("a second candidate of the same outpaint goes on the already grown canvas",
          "[outpaint][document]") {
    app::Document document;
    document.reset(photo(120, 90));
    app::OutpaintOptions options;
    options.candidates = 2;
    const app::OutpaintJob job = app::OutpaintJob::forFrame(document, QRect(60, 0, 100, 90), options);
    REQUIRE(job.isValid());
    const engine::InpaintResult result = run(job.request);
    REQUIRE(app::applyOutpaintCandidate(document, job.growth, job.sourceCanvas, result, 0) >= 0);
    REQUIRE(app::applyOutpaintCandidate(document, job.growth, job.sourceCanvas, result, 1) >= 0);
    CHECK(document.canvasSize() == QSize(160, 90));
    CHECK(document.layerCount() == 3);
}

TEST_CASE("an outpaint made for another canvas size is refused and changes nothing",
          "[outpaint][document]") {
    app::Document document;
    document.reset(photo(120, 90));
    const app::OutpaintJob job = app::OutpaintJob::forFrame(document, QRect(-30, 0, 100, 90), {});
    REQUIRE(job.isValid());
    const engine::InpaintResult result = run(job.request);
    document.reset(photo(100, 100));
    QString error;
    CHECK(app::applyOutpaintCandidate(document, job.growth, job.sourceCanvas, result, 0, &error) == -1);
    CHECK(error.contains(QStringLiteral("generate again")));
    CHECK(document.canvasSize() == QSize(100, 100));
    CHECK(document.undoStack()->count() == 0);
}

TEST_CASE("a frame that does not touch the picture or holds nothing new is refused with a reason",
          "[outpaint][document]") {
    app::Document document;
    document.reset(photo(120, 90));
    QString error;
    CHECK_FALSE(app::OutpaintJob::forFrame(document, QRect(300, 300, 64, 64), {}, &error).isValid());
    CHECK(error.contains(QStringLiteral("overlap")));
    CHECK_FALSE(app::OutpaintJob::forFrame(document, QRect(10, 10, 64, 64), {}, &error).isValid());
    CHECK(error.contains(QStringLiteral("no new area")));
}

TEST_CASE("extending by margins on all sides fills every new pixel", "[outpaint][document]") {
    app::Document document;
    document.reset(photo(100, 80));
    const app::CanvasMargins margins{30, 20, 40, 10};
    const app::OutpaintJob job = app::OutpaintJob::forMargins(document, margins, QSize(96, 96), {});
    REQUIRE(job.isValid());
    CHECK(job.request.outpaint.frames.size() > 1);
    const engine::InpaintResult result = run(job.request);
    REQUIRE(app::applyOutpaintCandidate(document, job.growth, job.sourceCanvas, result, 0) >= 0);
    const QImage flat = document.flatten();
    CHECK(flat.size() == QSize(170, 110));
    for (int y = 0; y < flat.height(); ++y)
        for (int x = 0; x < flat.width(); ++x)
            REQUIRE(qAlpha(flat.pixel(x, y)) == 255);
}
