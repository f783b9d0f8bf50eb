#include "../engine/JobRecorder.h"
#include "app/ApplyCandidate.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "app/LayerReblend.h"
#include "app/StagingActions.h"

#include <QPainter>
#include <QUndoStack>

using namespace limner;

namespace {

QImage photo() {
    const QImage full(QStringLiteral(LIMNER_TEST_DATA_DIR "/chelsea.png"));
    REQUIRE_FALSE(full.isNull());
    return full.copy(100, 50, 200, 160).convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

QImage discMask(const QSize& size, const QPoint& center, int radius) {
    QImage mask(size, QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter painter(&mask);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Qt::white);
    painter.drawEllipse(center, radius, radius);
    return mask;
}

engine::InpaintResult run(const engine::InpaintRequest& request) {
    engine::Status status;
    engine::InpaintResult result = engine::test::runToEnd(request, status);
    INFO(status.message());
    REQUIRE(status);
    return result;
}

// A document with one accepted inpaint layer; returns its id.
int inpaintedLayer(app::Document& document, int candidates = 1, engine::InpaintResult* out = nullptr) {
    document.reset(photo());
    document.setMaskRegion(discMask(document.canvasSize(), QPoint(90, 80), 30), QStringLiteral("Mask"));
    const engine::InpaintResult result =
        run(app::EngineClient::makeRequest(document, {}, QStringLiteral("telea"), 0, candidates));
    if (out)
        *out = result;
    const int id =
        app::applyCandidateAsLayer(document, result, 0, nullptr, app::MaskAfterAccept::Clear);
    REQUIRE(id >= 0);
    return id;
}

QImage straight(const QImage& pixels) {
    return pixels.convertToFormat(QImage::Format_RGBA8888);
}

} // namespace

TEST_CASE("re-blend keeps the generated pixels and changes only the alpha", "[outpaint][reblend]") {
    app::Document document;
    const int id = inpaintedLayer(document);
    REQUIRE(app::canReblend(document, id));
    const app::Layer before = *document.layerById(id);
    app::LayerBlendSettings settings = app::LayerBlendSettings::of(before.generation);
    settings.feather += 12;
    settings.grow += 6;
    QString error;
    REQUIRE(app::reblendLayer(document, id, settings, &error));
    const app::Layer& after = *document.layerById(id);

    CHECK(after.generation.generated == before.generation.generated);
    CHECK(after.canvasRect() == before.canvasRect());
    CHECK(after.generation.blendFeather == settings.feather);
    const QImage a = straight(before.pixels), b = straight(after.pixels);
    int alphaChanged = 0, colourChanged = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            const QRgb pa = a.pixel(x, y), pb = b.pixel(x, y);
            alphaChanged += qAlpha(pa) != qAlpha(pb);
            if (qAlpha(pa) == 255 && qAlpha(pb) == 255)
                colourChanged += (pa & 0xffffff) != (pb & 0xffffff);
        }
    }
    CHECK(alphaChanged > 0);
    CHECK(colourChanged == 0);

    // One undo step brings the old blend back exactly.
    document.undoStack()->undo();
    CHECK(document.layerById(id)->pixels == before.pixels);
    CHECK(document.layerById(id)->generation.blendFeather == before.generation.blendFeather);
}

TEST_CASE("re-blend with the generation's own settings gives the accepted layer back",
          "[outpaint][reblend]") {
    app::Document document;
    const int id = inpaintedLayer(document);
    const app::Layer before = *document.layerById(id);
    REQUIRE(app::reblendLayer(document, id, app::LayerBlendSettings::of(before.generation)));
    const QImage a = straight(before.pixels), b = straight(document.layerById(id)->pixels);
    int differ = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            differ += qAlpha(a.pixel(x, y)) != qAlpha(b.pixel(x, y));
    CHECK(differ == 0);
}

TEST_CASE("re-blending a layer that was not generated is refused and changes nothing",
          "[outpaint][reblend]") {
    app::Document document;
    document.reset(photo());
    const int background = document.layers().front().id;
    QString error;
    CHECK_FALSE(app::reblendLayer(document, background, {}, &error));
    CHECK(error.contains(QStringLiteral("not generated")));
    CHECK(document.undoStack()->count() == 0);
}

TEST_CASE("the staging history survives accepting and undoing, and any candidate can be accepted later",
          "[outpaint][staging]") {
    app::Document document;
    document.reset(photo());
    const QImage mask = discMask(document.canvasSize(), QPoint(120, 60), 25);
    document.setMaskRegion(mask, QStringLiteral("Mask"));
    app::OutpaintJob job;
    job.sourceCanvas = document.canvasSize();
    job.request =
        app::EngineClient::makeRequest(document, QStringLiteral("fur"), QStringLiteral("fsr"), 41, 3);
    const engine::InpaintResult result = run(job.request);
    const int entryId = document.addStagingEntry(app::makeStagingEntry(job, {}, mask, result));
    REQUIRE(document.stagingHistory().size() == 1);

    const int first = app::acceptStagedCandidate(document, entryId, 0);
    REQUIRE(first >= 0);
    document.undoStack()->undo();
    CHECK(document.layerCount() == 1);
    REQUIRE(document.stagingHistory().size() == 1);
    const app::StagingEntry& entry = *document.stagingHistory().find(entryId);
    CHECK(entry.count() == 3);
    CHECK(entry.prompt == QStringLiteral("fur"));
    CHECK(entry.seed == 41);
    CHECK(entry.backend == QStringLiteral("fsr"));

    // Later: two other candidates, each on its own layer.
    const int second = app::acceptStagedCandidate(document, entryId, 2);
    const int third = app::acceptStagedCandidate(document, entryId, 1);
    REQUIRE(second >= 0);
    REQUIRE(third >= 0);
    CHECK(document.layerCount() == 3);
    CHECK(document.layerById(second)->generation.seed == 43);
    CHECK(document.layerById(third)->generation.seed == 42);
    CHECK(document.stagingHistory().size() == 1);
}

TEST_CASE("a staged outpaint can be accepted after the canvas has grown for another candidate",
          "[outpaint][staging]") {
    app::Document document;
    document.reset(photo());
    app::OutpaintOptions options;
    options.candidates = 2;
    const QRect frame(150, 0, 120, 160);
    const app::OutpaintJob job = app::OutpaintJob::forFrame(document, frame, options);
    REQUIRE(job.isValid());
    const engine::InpaintResult result = run(job.request);
    const int entryId =
        document.addStagingEntry(app::makeStagingEntry(job, frame, document.mask(), result));
    REQUIRE(app::acceptStagedCandidate(document, entryId, 0) >= 0);
    CHECK(document.canvasSize() == QSize(270, 160));
    REQUIRE(app::acceptStagedCandidate(document, entryId, 1) >= 0);
    CHECK(document.canvasSize() == QSize(270, 160));
    CHECK(document.layerCount() == 3);

    // Re-running it on the grown canvas keeps the frame where it was on the picture.
    QString error;
    const app::OutpaintJob again =
        app::rerunStagedJob(document, *document.stagingHistory().find(entryId), &error);
    INFO(error.toStdString());
    CHECK_FALSE(again.isValid()); // the frame now holds no new area and no mask
    CHECK(error.contains(QStringLiteral("no new area")));
}

TEST_CASE("re-running a staged inpaint uses its mask, prompt, seed and model settings",
          "[outpaint][staging]") {
    app::Document document;
    engine::InpaintResult result;
    inpaintedLayer(document, 2, &result);
    app::OutpaintJob job;
    job.sourceCanvas = document.canvasSize();
    job.request.prompt = "cat";
    job.request.backend = "telea";
    job.request.seed = 7;
    job.request.candidates = 2;
    job.request.diffusion.steps = 17;
    job.request.diffusion.guidanceScale = 6.5;
    job.request.diffusion.scheduler = "euler";
    job.request.diffusion.strength = 0.6;
    job.request.diffusion.softMask = true;
    job.request.diffusion.softCurve = 2.0;
    const QImage mask = discMask(document.canvasSize(), QPoint(90, 80), 30);
    const int entryId = document.addStagingEntry(app::makeStagingEntry(job, {}, mask, result));
    CHECK(document.maskIsEmpty()); // accepting cleared it
    QString error;
    const app::OutpaintJob again =
        app::rerunStagedJob(document, *document.stagingHistory().find(entryId), &error);
    INFO(error.toStdString());
    REQUIRE(again.isValid());
    CHECK(again.request.seed == 7);
    CHECK(again.request.prompt == "cat");
    CHECK(again.request.candidates == 2);
    CHECK(app::ImageConvert::toQImage(again.request.mask) == mask);
    CHECK(again.request.diffusion.steps == 17);
    CHECK(again.request.diffusion.guidanceScale == 6.5);
    CHECK(again.request.diffusion.scheduler == "euler");
    CHECK(again.request.diffusion.strength == 0.6);
    CHECK(again.request.diffusion.softMask);
    CHECK(again.request.diffusion.softCurve == 2.0);
}
