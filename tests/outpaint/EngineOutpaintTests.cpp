#include "../engine/JobRecorder.h"
#include "../engine/TestImages.h"
#include "engine/imaging/ClassicalFill.h"
#include "engine/imaging/Composite.h"
#include "engine/imaging/ImageOps.h"
#include "engine/imaging/MaskOps.h"
#include "engine/imaging/OutpaintFramePlan.h"
#include "engine/imaging/OutpaintSeed.h"
#include "engine/imaging/PoissonBlend.h"
#include "engine/service/BackendRegistry.h"
#include "engine/service/InpaintJobRunner.h"
#include "engine/service/OutpaintPlanRunner.h"

#include <algorithm>
#include <cmath>

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

namespace {

// A backend that gives back exactly what it gets, optionally at a model's native size: any
// change in the picture after compositing is the compositing path's own doing.
class IdentityBackend : public InpaintBackend {
public:
    explicit IdentityBackend(BackendGeometry geometry = {})
        : m_geometry(geometry) {}
    std::string name() const override { return "identity"; }
    std::string label() const override { return "Identity"; }
    BackendGeometry geometry() const override { return m_geometry; }
    int stepsPerCandidate(const InpaintRequest&) const override { return 2; }
    Status fill(const FillInput& input, StepMonitor& monitor, Image& filled) override {
        for (int i = 0; i < 2; ++i) {
            if (monitor.stopRequested())
                return Status::cancelled();
            monitor.stepDone();
        }
        filled = input.crop;
        return Status::ok();
    }

private:
    BackendGeometry m_geometry;
};

// Telea's fill, then every masked pixel shifted by a fixed colour: a fill whose colours drift
// from its surroundings, as diffusion models' often do.
class ShiftedBackend : public InpaintBackend {
public:
    std::string name() const override { return "shifted"; }
    std::string label() const override { return "Shifted"; }
    BackendGeometry geometry() const override { return {}; }
    int stepsPerCandidate(const InpaintRequest&) const override { return 1; }
    Status fill(const FillInput& input, StepMonitor& monitor, Image& filled) override {
        const Status status =
            classicalFill(ClassicalFillMethod::Telea, input.crop, input.denoiseMask, 0, filled);
        const int shift[3] = {45, -35, 30};
        for (int y = 0; y < filled.height; ++y)
            for (int x = 0; x < filled.width; ++x)
                if (input.denoiseMask.pixel(x, y)[0] != 0)
                    for (int c = 0; c < 3; ++c)
                        filled.pixel(x, y)[c] = static_cast<std::uint8_t>(
                            std::clamp(filled.pixel(x, y)[c] + shift[c], 0, 255));
        monitor.stepDone();
        return status;
    }
};

// Every pixel it owns at half its brightness: a fill that can only darken.
class DarkeningBackend : public InpaintBackend {
public:
    std::string name() const override { return "darkening"; }
    std::string label() const override { return "Darkening"; }
    BackendGeometry geometry() const override { return {}; }
    int stepsPerCandidate(const InpaintRequest&) const override { return 1; }
    Status fill(const FillInput& input, StepMonitor& monitor, Image& filled) override {
        filled = input.crop;
        for (std::size_t i = 0; i < filled.bytes.size(); ++i)
            if (input.denoiseMask.bytes[i / 3] != 0)
                filled.bytes[i] = static_cast<std::uint8_t>(filled.bytes[i] / 2);
        monitor.stepDone();
        return Status::ok();
    }
};

Status runWith(InpaintBackend& backend, const InpaintRequest& request, InpaintResult& result,
               std::vector<JobProgress>* progress = nullptr) {
    InpaintJobRunner::Hooks hooks;
    hooks.stopRequested = [] {
        return false;
    };
    hooks.progress = [progress](const JobProgress& p) {
        if (progress)
            progress->push_back(p);
    };
    if (request.outpaint.frames.size() > 1) {
        OutpaintPlanRunner plan(backend, hooks);
        return plan.run(request, result);
    }
    InpaintJobRunner runner(backend, hooks);
    return runner.run(request, result);
}

Image composited(const Image& base, const InpaintResult& result, int index = 0) {
    return compositeOver(base, result.candidates[static_cast<std::size_t>(index)].layer,
                         result.region.x, result.region.y);
}

// The photo placed on a larger canvas (black where it grew), with the new area as a mask.
struct Grown {
    Image image;
    Image unknown;
    Rect picture;
};

Grown grow(const Image& photo, int left, int top, int right, int bottom) {
    Grown g;
    g.image = Image(photo.width + left + right, photo.height + top + bottom, 3);
    g.unknown = Image(g.image.width, g.image.height, 1, 255);
    g.picture = Rect{left, top, photo.width, photo.height};
    for (int y = 0; y < photo.height; ++y) {
        std::copy_n(photo.row(y), photo.stride(), g.image.pixel(left, y + top));
        std::fill_n(g.unknown.pixel(left, y + top), photo.width, 0);
    }
    return g;
}

Image cropOf(const Image& image, const Rect& r) {
    return cropImage(image, r);
}

double meanAbs(const Image& a, const Image& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.bytes.size(); ++i)
        sum += std::abs(int(a.bytes[i]) - int(b.bytes[i]));
    return sum / std::max<std::size_t>(1, a.bytes.size());
}

} // namespace

TEST_CASE("a fill that changes nothing gives back the original bit for bit at any size",
          "[outpaint][alignment]") {
    const Image photo = chelseaPhoto();
    const auto geometry = GENERATE(BackendGeometry{}, BackendGeometry{64, 64, 64},
                                   BackendGeometry{512, 512, 64}, BackendGeometry{768, 512, 64});
    const auto size = GENERATE(std::pair<int, int>{97, 61}, std::pair<int, int>{301, 203},
                               std::pair<int, int>{255, 257}, std::pair<int, int>{7, 5});
    const auto mode = GENERATE(ColorMatchMode::Statistics, ColorMatchMode::Histogram);
    const bool poisson = GENERATE(false, true);
    InpaintRequest request;
    request.image = cropImage(photo, Rect{13, 7, size.first, size.second});
    request.mask = discMask(size.first, size.second, size.first / 3, size.second / 2,
                            std::max(1, size.second / 4));
    request.composite.colorMatchMode = mode;
    request.composite.poisson = poisson;
    request.candidates = 2;
    IdentityBackend backend(geometry);
    InpaintResult result;
    INFO("canvas " << size.first << "×" << size.second << ", native " << geometry.nativeWidth << "×"
                   << geometry.nativeHeight);
    REQUIRE(runWith(backend, request, result));
    REQUIRE(result.candidates.size() == 2);
    CHECK(composited(request.image, result) == request.image);
    CHECK(composited(request.image, result, 1) == request.image);
}

TEST_CASE("outpainting with a fill that changes nothing keeps the original picture bit for bit",
          "[outpaint][alignment]") {
    const Image photo = cropImage(coffeePhoto(), Rect{0, 0, 123, 91});
    const Grown g = grow(photo, 37, 0, 41, 19);
    InpaintRequest request;
    request.image = g.image;
    request.mask = g.unknown;
    request.outpaint.unknownArea = g.unknown;
    request.outpaint.frames = {Rect{0, 0, g.image.width, g.image.height}};
    IdentityBackend backend(BackendGeometry{64, 64, 64});
    InpaintResult result;
    REQUIRE(runWith(backend, request, result));
    const Image out = composited(g.image, result);
    CHECK(cropOf(out, g.picture) == photo);
}

TEST_CASE("every seed fills the new area and leaves the picture alone", "[outpaint][seed]") {
    const Image photo = cropImage(astronautPhoto(), Rect{100, 100, 200, 150});
    const Grown g = grow(photo, 60, 30, 0, 0);
    const auto method = GENERATE(SeedMethod::EdgeExtend, SeedMethod::Reflect, SeedMethod::Telea,
                                 SeedMethod::Fsr, SeedMethod::BlurredMean, SeedMethod::Noise);
    INFO(seedMethodName(method));
    Image seeded;
    REQUIRE(seedUnknownArea(method, g.image, g.unknown, 7, seeded));
    CHECK(cropOf(seeded, g.picture) == photo);
    // The new area takes the picture's colours: no black band along the seam.
    const Image strip = cropOf(seeded, Rect{40, 30, 20, 150});
    const Image edge = cropOf(seeded, Rect{60, 30, 20, 150});
    double stripMean = 0, edgeMean = 0;
    for (std::size_t i = 0; i < strip.bytes.size(); ++i) {
        stripMean += strip.bytes[i];
        edgeMean += edge.bytes[i];
    }
    CHECK(std::abs(stripMean - edgeMean) / strip.bytes.size() < 30);
}

TEST_CASE("edge-extend seeding copies the nearest picture pixel", "[outpaint][seed]") {
    const Image photo = cropImage(coffeePhoto(), Rect{0, 0, 40, 30});
    const Grown g = grow(photo, 5, 0, 0, 4);
    Image seeded;
    REQUIRE(seedUnknownArea(SeedMethod::EdgeExtend, g.image, g.unknown, 0, seeded));
    CHECK(std::equal(seeded.pixel(0, 10), seeded.pixel(0, 10) + 3, photo.pixel(0, 10)));
    CHECK(std::equal(seeded.pixel(20, 33), seeded.pixel(20, 33) + 3, photo.pixel(15, 29)));
}

TEST_CASE("colour match moves a deliberately shifted fill closer to its surroundings",
          "[outpaint][colour]") {
    const Image photo = coffeePhoto();
    InpaintRequest request;
    request.image = photo;
    request.mask = discMask(photo.width, photo.height, 200, 180, 50);
    const Image ring = [&] {
        Image r = growMask(request.mask, 30);
        for (std::size_t i = 0; i < r.bytes.size(); ++i)
            if (request.mask.bytes[i] != 0)
                r.bytes[i] = 0;
        return r;
    }();
    ShiftedBackend backend;
    const auto meanError = [&](bool match, ColorMatchMode mode) {
        request.composite.colorMatch = match;
        request.composite.colorMatchMode = mode;
        InpaintResult result;
        REQUIRE(runWith(backend, request, result));
        const Image out = composited(photo, result);
        double error = 0;
        for (int c = 0; c < 3; ++c) {
            double inside = 0, around = 0;
            int n = 0, m = 0;
            for (std::size_t i = 0; i < request.mask.bytes.size(); ++i) {
                if (request.mask.bytes[i]) {
                    inside += out.bytes[3 * i + static_cast<std::size_t>(c)];
                    ++n;
                } else if (ring.bytes[i]) {
                    around += out.bytes[3 * i + static_cast<std::size_t>(c)];
                    ++m;
                }
            }
            error += std::abs(inside / n - around / m);
        }
        return error / 3;
    };
    const double unmatched = meanError(false, ColorMatchMode::Statistics);
    const double statistics = meanError(true, ColorMatchMode::Statistics);
    const double histogram = meanError(true, ColorMatchMode::Histogram);
    INFO("mean colour error: off " << unmatched << ", statistics " << statistics << ", histogram "
                                   << histogram);
    CHECK(statistics < unmatched * 0.5);
    CHECK(histogram < unmatched * 0.5);
}

TEST_CASE("Poisson blending removes a brightness step at the edge of a fill", "[outpaint][poisson]") {
    const Image photo = cropImage(chelseaPhoto(), Rect{0, 0, 200, 160});
    Image brighter = photo;
    for (auto& v : brighter.bytes)
        v = static_cast<std::uint8_t>(std::min(255, v + 40));
    Image area(200, 160, 1);
    const std::uint8_t on = 255;
    fillRect(area, Rect{50, 40, 100, 80}, &on);
    Image blended;
    REQUIRE(poissonBlend(brighter, photo, area, blended));
    CHECK(cropOf(blended, Rect{0, 0, 50, 160}) == cropOf(photo, Rect{0, 0, 50, 160}));
    // Inside, the level follows the surroundings: far closer to the photo than the +40 fill.
    CHECK(meanAbs(cropOf(blended, Rect{60, 50, 80, 60}), cropOf(photo, Rect{60, 50, 80, 60})) < 12);
}

TEST_CASE("a frame-sized outpaint on each side grows the picture and fills the new area",
          "[outpaint][sides]") {
    const Image photo = cropImage(astronautPhoto(), Rect{0, 0, 160, 120});
    struct Margins {
        int l, t, r, b;
    };
    const auto m = GENERATE(Margins{48, 0, 0, 0}, Margins{0, 48, 0, 0}, Margins{0, 0, 48, 0},
                            Margins{0, 0, 0, 48}, Margins{40, 0, 33, 0}, Margins{0, 21, 0, 35});
    const Grown g = grow(photo, m.l, m.t, m.r, m.b);
    InpaintRequest request;
    request.image = g.image;
    request.mask = g.unknown;
    request.outpaint.unknownArea = g.unknown;
    request.outpaint.frames = {Rect{0, 0, g.image.width, g.image.height}};
    request.backend = "telea";
    Status status;
    const InpaintResult result = runToEnd(request, status);
    REQUIRE(status);
    const Image out = composited(g.image, result);
    // Every new pixel is covered, and pixels away from the seam are the photo's.
    for (std::size_t i = 0; i < g.unknown.bytes.size(); ++i)
        if (g.unknown.bytes[i])
            REQUIRE(result.candidates[0].layer.bytes[4 * i + 3] == 255);
    const int margin = result.blendGrow + result.blendFeather + 2;
    const Rect inner{g.picture.x + margin, g.picture.y + margin, g.picture.width - 2 * margin,
                     g.picture.height - 2 * margin};
    CHECK(cropOf(out, inner) == cropOf(g.image, inner));
}

TEST_CASE("a large outpaint runs as a plan of overlapping frames that covers everything",
          "[outpaint][plan]") {
    const Image photo = cropImage(chelseaPhoto(), Rect{0, 0, 200, 150});
    const Grown g = grow(photo, 150, 60, 150, 60);
    const std::vector<Rect> frames = planOutpaintFrames(g.unknown, 160, 160, 32);
    REQUIRE(frames.size() > 2);
    CHECK(framesCoverAll(g.unknown, frames));
    InpaintRequest request;
    request.image = g.image;
    request.mask = g.unknown;
    request.outpaint.unknownArea = g.unknown;
    request.outpaint.frames = frames;
    request.candidates = 2;
    IdentityBackend identity(BackendGeometry{64, 64, 64});
    InpaintResult result;
    std::vector<JobProgress> progress;
    REQUIRE(runWith(identity, request, result, &progress));
    REQUIRE(result.candidates.size() == 2);
    CHECK(cropOf(composited(g.image, result), g.picture) == photo);
    // Progress counts the whole plan once: never back, ending at the total.
    const int total = OutpaintPlanRunner::totalSteps(identity, request);
    REQUIRE_FALSE(progress.empty());
    for (std::size_t i = 1; i < progress.size(); ++i)
        CHECK(progress[i].step >= progress[i - 1].step);
    CHECK(progress.back().step == total);
    CHECK(progress.back().total == total);
}

TEST_CASE(
    "a planned outpaint's layer gives exactly the plan's result: a darkening fill never brightens",
    "[outpaint][plan]") {
    const Image photo = cropImage(coffeePhoto(), Rect{0, 0, 300, 200});
    const Grown g = grow(photo, 0, 0, 0, 90);
    InpaintRequest request;
    request.image = g.image;
    request.mask = g.unknown;
    request.outpaint.unknownArea = g.unknown;
    request.outpaint.frames = planOutpaintFrames(g.unknown, 128, 128, 16);
    REQUIRE(request.outpaint.frames.size() > 1);
    request.composite.colorMatch = false;
    DarkeningBackend backend;
    InpaintResult result;
    REQUIRE(runWith(backend, request, result));
    const Image out = composited(g.image, result);
    int brighter = 0;
    for (int y = 0; y < photo.height; ++y)
        for (int x = 0; x < photo.width; ++x)
            for (int c = 0; c < 3; ++c)
                brighter += out.pixel(x, y)[c] > g.image.pixel(x, y)[c] + 1;
    CHECK(brighter == 0);
}

TEST_CASE("a planned outpaint fills every new pixel and can be cancelled cleanly", "[outpaint][plan]") {
    const Image photo = cropImage(coffeePhoto(), Rect{100, 50, 160, 120});
    const Grown g = grow(photo, 200, 0, 200, 0);
    InpaintRequest request;
    request.image = g.image;
    request.mask = g.unknown;
    request.outpaint.unknownArea = g.unknown;
    request.outpaint.frames = planOutpaintFrames(g.unknown, 128, 120, 24);
    request.backend = "telea";
    SECTION("run") {
        Status status;
        const InpaintResult result = runToEnd(request, status);
        REQUIRE(status);
        const Image& layer = result.candidates[0].layer;
        for (int y = 0; y < g.image.height; ++y)
            for (int x = 0; x < g.image.width; ++x)
                if (g.unknown.pixel(x, y)[0])
                    REQUIRE(layer.pixel(x - result.region.x, y - result.region.y)[3] == 255);
    }
    SECTION("cancel") {
        JobRecorder recorder;
        Engine* running = nullptr;
        // Cancelled from the worker at the plan's second frame, so the plan is mid-way for sure.
        recorder.onProgress = [&](JobId id, const JobProgress& p) {
            if (p.step > InpaintJobRunner::totalSteps(*BackendRegistry::find("telea")->create(), {}) &&
                running)
                running->cancel(id);
        };
        Engine engine(recorder.callbacks());
        running = &engine;
        const JobId id = engine.submit(request);
        REQUIRE(recorder.waitForEnd({id}));
        CHECK(recorder.failedCount(id) == 1);
        CHECK(recorder.finishedCount(id) == 0);
        CHECK(recorder.failure(id).code() == Status::Code::Cancelled);
    }
}

TEST_CASE("a new canvas area outside the mask is refused with a message", "[outpaint][validate]") {
    const Grown g = grow(cropImage(coffeePhoto(), Rect{0, 0, 50, 40}), 10, 0, 0, 0);
    InpaintRequest request;
    request.image = g.image;
    request.mask = Image(g.image.width, g.image.height, 1);
    request.mask.pixel(0, 0)[0] = 255;
    request.outpaint.unknownArea = g.unknown;
    const Status status = Engine::validate(request);
    CHECK(status.code() == Status::Code::BadInput);
    CHECK(status.message().find("mask all of it") != std::string::npos);
}
