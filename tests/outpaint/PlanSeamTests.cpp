// Tone steps where the frames of a multi-frame outpaint plan meet, measured on real photographs.

#include "../engine/TestImages.h"
#include "FrameBorderSteps.h"
#include "engine/imaging/Composite.h"
#include "engine/imaging/OutpaintFramePlan.h"
#include "engine/service/BackendRegistry.h"
#include "engine/service/OutpaintPlanRunner.h"

#include <algorithm>

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

namespace {

// The photo on a canvas grown to the right and downwards, outpainted with Telea through a plan
// of frame × frame jobs that overlap by an eighth of a frame (as the editor and CLI plan them).
struct PlannedOutpaint {
    Image result;
    Image newArea;
    std::vector<Rect> frames;
};

PlannedOutpaint outpaintWithTelea(const Image& photo, int right, int bottom, int frame) {
    PlannedOutpaint out;
    Image canvas(photo.width + right, photo.height + bottom, 3);
    out.newArea = Image(canvas.width, canvas.height, 1, 255);
    for (int y = 0; y < photo.height; ++y) {
        std::copy_n(photo.row(y), photo.stride(), canvas.pixel(0, y));
        std::fill_n(out.newArea.pixel(0, y), photo.width, 0);
    }
    out.frames = planOutpaintFrames(out.newArea, frame, frame, frame / 8);
    InpaintRequest request;
    request.image = canvas;
    request.mask = out.newArea;
    request.outpaint.unknownArea = out.newArea;
    request.outpaint.frames = out.frames;
    request.backend = "telea";
    const auto backend = BackendRegistry::find("telea")->create();
    OutpaintPlanRunner runner(*backend, {});
    InpaintResult result;
    REQUIRE(runner.run(request, result));
    REQUIRE(result.candidates.size() == 1);
    out.result =
        compositeOver(canvas, result.candidates.front().layer, result.region.x, result.region.y);
    return out;
}

// ΔE 2.3 (CIE 1976) is the just-noticeable difference between two flat patches side by side; a
// smooth fill's own 8-px strips differ by up to about 3 at the 95th percentile (the frames'
// middle lines). Before the frames faded out at their inner sides and evened out the tone where
// they meet, 5 % of the border segments stepped by more than 6 (6.8 on the cat, 6.2 on the
// coffee): soft rectangles anyone sees. Below 4 the borders are no more visible than the fill's
// own texture.
// Measures the border steps of one planned outpaint against that limit.
void checkBorderSteps(const Image& photo, int right, int bottom, int frame) {
    constexpr double kVisibleStep = 4.0;
    const PlannedOutpaint out = outpaintWithTelea(photo, right, bottom, frame);
    REQUIRE(out.frames.size() > 8);
    const FrameBorderSteps steps = measureFrameBorderSteps(out.result, out.newArea, out.frames);
    REQUIRE(steps.borders.segments > 200);
    INFO("border steps: mean " << steps.borders.mean << ", p95 " << steps.borders.p95 << ", max "
                               << steps.borders.max << "; middle lines p95 " << steps.midlines.p95
                               << "; " << out.frames.size() << " frames");
    CHECK(steps.borders.p95 < kVisibleStep);
}

} // namespace

TEST_CASE("the frames of a planned outpaint meet without tone steps at their borders",
          "[outpaint][plan][seam]") {
    SECTION("cat, 400 px right and 200 px down in 192-px frames") {
        checkBorderSteps(chelseaPhoto(), 400, 200, 192);
    }
    SECTION("coffee, 300 px right in 128-px frames") {
        checkBorderSteps(coffeePhoto(), 300, 0, 128);
    }
    // A dark helmet and pedestal meet the light wall at the picture's right edge. When the
    // tone was evened out with the plain mean difference there, their darkness spread into
    // the frames as soft dark rectangles (p95 4.16).
    SECTION("astronaut, 300 px right in 128-px frames") {
        checkBorderSteps(astronautPhoto(), 300, 0, 128);
    }
}
