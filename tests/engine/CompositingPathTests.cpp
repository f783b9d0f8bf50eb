#include "JobRecorder.h"
#include "TestImages.h"
#include "engine/imaging/ColorMatch.h"
#include "engine/imaging/Composite.h"
#include "engine/imaging/ImageOps.h"
#include "engine/imaging/MaskOps.h"
#include "engine/imaging/RegionPlan.h"

#include <cmath>
#include <cstdlib>

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

namespace {

const std::uint8_t kMagenta[3] = {255, 0, 255};

struct Stats {
    double mean[3] = {0, 0, 0};
};

Stats meanInside(const Image& rgb, const Image& area) {
    Stats s;
    int n = 0;
    for (int y = 0; y < rgb.height; ++y)
        for (int x = 0; x < rgb.width; ++x)
            if (area.pixel(x, y)[0] != 0) {
                ++n;
                for (int c = 0; c < 3; ++c)
                    s.mean[c] += rgb.pixel(x, y)[c];
            }
    for (double& m : s.mean)
        m /= std::max(1, n);
    return s;
}

bool containsRect(const Rect& outer, const Rect& inner) {
    return outer.intersected(inner) == inner;
}

// The candidate's alpha, placed on the canvas.
Image canvasAlpha(const InpaintResult& result, int index, int width, int height) {
    Image alpha(width, height, 1);
    const Image& layer = result.candidates[static_cast<std::size_t>(index)].layer;
    for (int y = 0; y < layer.height; ++y)
        for (int x = 0; x < layer.width; ++x)
            alpha.pixel(result.region.x + x, result.region.y + y)[0] = layer.pixel(x, y)[3];
    return alpha;
}

} // namespace

TEST_CASE("the region holds the mask with context and stays on the canvas", "[region]") {
    const Image mask = discMask(600, 400, 560, 60, 25); // near the top-right corner
    const RegionPlan plan = planRegion(mask, {});
    const Rect bounds = maskBounds(mask);
    CHECK(containsRect(plan.region, bounds));
    CHECK(containsRect(Rect{0, 0, 600, 400}, plan.region));
    CHECK(plan.region.x <= bounds.x - plan.contextMargin);
    CHECK(plan.region.bottom() >= bounds.bottom() + plan.contextMargin);
    CHECK(plan.region.right() == 600); // clamped, not shifted off the canvas

    SECTION("a larger mask gets proportionally larger margins") {
        const RegionPlan large = planRegion(discMask(600, 400, 300, 200, 120), {});
        CHECK(large.contextMargin > plan.contextMargin);
        CHECK(large.denoiseGrow > plan.denoiseGrow);
        CHECK(large.blendFeather >= plan.blendFeather);
    }
    SECTION("a set margin is honoured") {
        RegionPlanOptions options;
        options.contextMargin = 100;
        const RegionPlan wide = planRegion(discMask(600, 400, 300, 200, 20), options);
        CHECK(wide.region == Rect{180, 80, 241, 241});
    }
}

TEST_CASE("the region is squared up to a backend's native aspect and alignment", "[region]") {
    const Image stroke = rectMask(600, 400, Rect{100, 180, 300, 12});
    RegionPlanOptions options;
    options.nativeWidth = 512;
    options.nativeHeight = 512;
    options.alignment = 64;
    const RegionPlan plan = planRegion(stroke, options);
    CHECK(plan.region.width == plan.region.height);
    CHECK(plan.region.width % 64 == 0);
    CHECK(containsRect(plan.region, Rect{100, 180, 300, 12}));
    CHECK(containsRect(Rect{0, 0, 600, 400}, plan.region));
}

TEST_CASE("a small mask gets context up to the backend's native size, so the model works at its "
          "own scale",
          "[region]") {
    // A 20-pixel hole in a 600×400 picture, for a model that works at 128×128: the crop is the
    // model's size (not a 40-pixel crop enlarged three times) and still holds the hole.
    const Image hole = rectMask(600, 400, Rect{300, 200, 20, 20});
    RegionPlanOptions options;
    options.nativeWidth = 128;
    options.nativeHeight = 128;
    options.alignment = 64;
    const RegionPlan plan = planRegion(hole, options);
    CHECK(plan.region.width == 128);
    CHECK(plan.region.height == 128);
    CHECK(containsRect(plan.region, Rect{300, 200, 20, 20}));
    // On a canvas smaller than the native size the region takes as much as the canvas allows.
    RegionPlanOptions unaligned = options;
    unaligned.alignment = 1;
    const RegionPlan small = planRegion(rectMask(100, 100, Rect{40, 30, 10, 10}), unaligned);
    CHECK(small.region == Rect{0, 0, 100, 100});
    // Without the option, the crop stays around the hole.
    options.growToNative = false;
    CHECK(planRegion(hole, options).region.width < 128);
}

TEST_CASE("the blend mask covers the user's mask and lies inside what the fill repaints", "[region]") {
    const Image photo = astronautPhoto();
    Image mask = discMask(512, 512, 250, 200, 40);
    const std::uint8_t faint = 30;
    fillRect(mask, Rect{300, 300, 30, 5}, &faint); // a soft, thin stroke too
    const RegionPlan plan = planRegion(mask, {});
    int blendOutsideDenoise = 0, userNotOpaque = 0, ringInsideDenoise = 0;
    for (int y = 0; y < plan.region.height; ++y)
        for (int x = 0; x < plan.region.width; ++x) {
            blendOutsideDenoise +=
                plan.blendMask.pixel(x, y)[0] != 0 && plan.denoiseMask.pixel(x, y)[0] != 255;
            userNotOpaque += plan.userMask.pixel(x, y)[0] != 0 && plan.blendMask.pixel(x, y)[0] != 255;
            ringInsideDenoise +=
                plan.colorRing.pixel(x, y)[0] != 0 && plan.denoiseMask.pixel(x, y)[0] != 0;
        }
    CHECK(blendOutsideDenoise == 0);
    CHECK(userNotOpaque == 0);
    CHECK(ringInsideDenoise == 0);
    CHECK(maskArea(plan.colorRing) > 0);
    CHECK(maskArea(plan.blendMask) > maskArea(plan.userMask));
    CHECK(maskArea(plan.denoiseMask) > maskArea(plan.blendMask));
}

TEST_CASE("pixels outside the blend mask come back bit-identical, on every photograph",
          "[compositing]") {
    const std::vector<Image> photos{coffeePhoto(), chelseaPhoto(), astronautPhoto()};
    for (const Image& photo : photos) {
        for (const std::string backend : {"telea", "navier-stokes", "fsr"}) {
            INFO("backend " << backend << ", photo " << photo.width << "x" << photo.height);
            InpaintRequest request;
            request.image = photo;
            request.mask = discMask(photo.width, photo.height, photo.width / 2, photo.height / 3, 30);
            request.backend = backend;
            request.candidates = 2;
            Status status;
            const InpaintResult result = runToEnd(request, status);
            REQUIRE(status.isOk());
            REQUIRE(result.candidates.size() == 2);
            for (int i = 0; i < 2; ++i) {
                const Image out = compositeOver(photo, result.candidates[std::size_t(i)].layer,
                                                result.region.x, result.region.y);
                const Image alpha = canvasAlpha(result, i, photo.width, photo.height);
                int changedOutside = 0, opaqueInsideMask = 0, maskPixels = 0, changedInside = 0;
                for (int y = 0; y < photo.height; ++y)
                    for (int x = 0; x < photo.width; ++x) {
                        const bool differs =
                            !std::equal(out.pixel(x, y), out.pixel(x, y) + 3, photo.pixel(x, y));
                        if (alpha.pixel(x, y)[0] == 0)
                            changedOutside += differs;
                        if (request.mask.pixel(x, y)[0] != 0) {
                            ++maskPixels;
                            opaqueInsideMask += alpha.pixel(x, y)[0] == 255;
                            changedInside += differs;
                        }
                    }
                CHECK(changedOutside == 0);
                CHECK(opaqueInsideMask == maskPixels);
                // A fill rebuilds the area from its surroundings: most masked pixels change.
                CHECK(changedInside > maskPixels / 2);
            }
        }
    }
}

TEST_CASE("a painted-over blemish disappears", "[compositing]") {
    Image photo = chelseaPhoto();
    const Image original = photo;
    fillDisc(photo, 300, 200, 12, kMagenta);
    InpaintRequest request;
    request.image = photo;
    request.mask = discMask(photo.width, photo.height, 300, 200, 14);
    Status status;
    const InpaintResult result = runToEnd(request, status);
    REQUIRE(status.isOk());
    const Image out =
        compositeOver(photo, result.candidates[0].layer, result.region.x, result.region.y);
    int magentaLeft = 0;
    double error = 0;
    for (int y = 186; y <= 214; ++y)
        for (int x = 286; x <= 314; ++x) {
            const std::uint8_t* p = out.pixel(x, y);
            magentaLeft += p[0] > 200 && p[1] < 60 && p[2] > 200;
            error += std::abs(int(p[1]) - int(original.pixel(x, y)[1]));
        }
    CHECK(magentaLeft == 0);
    CHECK(error / (29 * 29) < 25); // close to what the cat looked like before
}

TEST_CASE("a hole in a flat colour area is filled with that colour", "[compositing]") {
    const std::uint8_t sky[3] = {70, 130, 200};
    for (const std::string backend : {"telea", "navier-stokes", "fsr"}) {
        INFO("backend " << backend);
        Image photo = coffeePhoto();
        fillRect(photo, Rect{100, 80, 220, 200}, sky);
        fillDisc(photo, 210, 180, 25, kMagenta);
        InpaintRequest request;
        request.image = photo;
        request.mask = discMask(photo.width, photo.height, 210, 180, 27);
        request.backend = backend;
        Status status;
        const InpaintResult result = runToEnd(request, status);
        REQUIRE(status.isOk());
        const Image out =
            compositeOver(photo, result.candidates[0].layer, result.region.x, result.region.y);
        int worst = 0;
        for (int y = 0; y < photo.height; ++y)
            for (int x = 0; x < photo.width; ++x)
                if (request.mask.pixel(x, y)[0] != 0)
                    for (int c = 0; c < 3; ++c)
                        worst = std::max(worst, std::abs(int(out.pixel(x, y)[c]) - int(sky[c])));
        // OpenCV's Telea drifts a few levels towards the middle of a large flat hole.
        CHECK(worst <= 5);
    }
}

TEST_CASE("colour match moves a shifted fill towards its surroundings", "[compositing]") {
    // Brown fur with mid-tone channels, so the shift below does not clip.
    const Image photo = chelseaPhoto();
    const Image mask = discMask(photo.width, photo.height, 120, 200, 30);
    const RegionPlan plan = planRegion(mask, {});
    const Image crop = cropImage(photo, plan.region);
    Image shifted = crop;
    for (int y = 0; y < crop.height; ++y)
        for (int x = 0; x < crop.width; ++x)
            if (plan.denoiseMask.pixel(x, y)[0] != 0) {
                std::uint8_t* p = shifted.pixel(x, y);
                p[0] = static_cast<std::uint8_t>(std::min(255, p[0] + 35));
                p[2] = static_cast<std::uint8_t>(std::max(0, p[2] - 35));
            }
    const Image matched = matchColors(shifted, plan.denoiseMask, crop, plan.colorRing);
    const Stats ring = meanInside(crop, plan.colorRing);
    const Stats before = meanInside(shifted, plan.denoiseMask);
    const Stats after = meanInside(matched, plan.denoiseMask);
    for (int c : {0, 2}) {
        INFO("channel " << c);
        CHECK(std::abs(after.mean[c] - ring.mean[c]) < 0.5 * std::abs(before.mean[c] - ring.mean[c]));
    }
    // Known pixels are the fill's to keep only inside the fill area.
    for (int y = 0; y < crop.height; ++y)
        for (int x = 0; x < crop.width; ++x)
            if (plan.denoiseMask.pixel(x, y)[0] == 0)
                REQUIRE(std::equal(matched.pixel(x, y), matched.pixel(x, y) + 3, crop.pixel(x, y)));
}

TEST_CASE("with a soft mask the fill gets the user's levels through the curve, not a grown region",
          "[region][soft]") {
    // A feathered disc: levels from 255 in the middle down to faint at its rim.
    const Image mask = featherMask(discMask(300, 200, 150, 100, 40), 12);
    RegionPlanOptions options;
    options.softMask = true;
    const RegionPlan soft = planRegion(mask, options);
    const RegionPlan hard = planRegion(mask, {});
    REQUIRE(!soft.region.empty());
    CHECK(soft.region == hard.region);
    // Curve 1: the denoise mask is the user's mask itself, faint levels and all.
    CHECK(soft.denoiseMask.bytes == soft.userMask.bytes);
    // Without Soft it reaches past the mask, fully on.
    CHECK(maskArea(hard.denoiseMask) > maskArea(hard.userMask));
    // The curve bends the levels: above 1 faint levels get fainter, never zero; 0 stays 0.
    options.softCurve = 2.0;
    const RegionPlan bent = planRegion(mask, options);
    int fainter = 0, wrong = 0;
    for (std::size_t i = 0; i < bent.denoiseMask.bytes.size(); ++i) {
        const int before = soft.denoiseMask.bytes[i], after = bent.denoiseMask.bytes[i];
        wrong += (before == 0) != (after == 0) || after > before;
        fainter += after < before;
    }
    CHECK(wrong == 0);
    CHECK(fainter > 0);
    CHECK(curveMask(mask, 0.5).bytes != mask.bytes);
    CHECK(curveMask(mask, 1.0).bytes == mask.bytes);
}
