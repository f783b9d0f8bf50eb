#include "engine/imaging/RegionPlan.h"

#include "engine/imaging/BlendMask.h"
#include "engine/imaging/ImageOps.h"
#include "engine/imaging/MaskOps.h"
#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <cmath>

namespace limner::engine::imaging {

namespace {

struct Sizes {
    int blendFeather = 0;
    int blendCore = 0; // the blend mask is 255 up to here past the user's mask, then ramps down
    int blendRamp = 0;
    int denoiseGrow = 0;
    int denoiseFeather = 0;
    int ringWidth = 0;
    int neededMargin = 0; // what the masks below need: the fill's reach plus the colour ring
    int contextMargin = 0;

    int blendReach() const { return blendCore + 2 * blendRamp; }
    int denoiseReach() const { return denoiseGrow + 2 * denoiseFeather; }
};

int proportional(double size, double factor, int low, int high) {
    return std::clamp(static_cast<int>(std::lround(size * factor)), low, high);
}

Sizes resolveSizes(const Image& mask, const Rect& bounds, const RegionPlanOptions& options) {
    const double size = std::sqrt(static_cast<double>(maskArea(mask)));
    Sizes s;
    s.blendFeather = options.blendFeather >= 0 ? options.blendFeather : proportional(size, 0.04, 2, 16);
    s.blendCore = options.blendGrow >= 0 ? options.blendGrow : s.blendFeather / 2;
    s.blendRamp = (s.blendFeather + 1) / 2;
    // The fill must own every pixel the blend mask touches.
    s.denoiseGrow =
        std::max(options.denoiseGrow >= 0 ? options.denoiseGrow : proportional(size, 0.1, 4, 48),
                 s.blendReach());
    s.denoiseFeather = denoiseFeather(s.denoiseGrow);
    s.ringWidth = colorRingWidth(s.blendFeather);
    s.neededMargin = s.denoiseReach() + s.ringWidth + 1;
    const int wanted = options.contextMargin >= 0
                           ? options.contextMargin
                           : proportional(std::max(bounds.width, bounds.height), 0.3, 16, 512);
    s.contextMargin = std::max(s.neededMargin, wanted);
    return s;
}

// A side length rounded to the alignment: up where the canvas allows, else down where the
// side still holds what it must, else left as it is.
int alignedLength(int length, int alignment, int limit, int minimum) {
    if (alignment <= 1)
        return length;
    const int up = (length + alignment - 1) / alignment * alignment;
    if (up <= limit)
        return up;
    const int down = length / alignment * alignment;
    return down >= minimum && down > 0 ? down : length;
}

// Rounds both sides to the alignment while keeping the native aspect ratio: the largest such
// size not above the wanted height (rounded up) that fits the canvas and holds the required
// rectangle. False when there is none, or no aspect or alignment is asked for.
bool alignedToAspect(int& w, int& h, const Rect& required, int canvasWidth, int canvasHeight,
                     const RegionPlanOptions& options) {
    const int k = options.alignment;
    if (k <= 1 || options.nativeWidth <= 0 || options.nativeHeight <= 0)
        return false;
    const double aspect = static_cast<double>(options.nativeWidth) / options.nativeHeight;
    for (int height = (h + k - 1) / k * k; height >= required.height && height >= k; height -= k) {
        const int width = static_cast<int>(std::lround(height * aspect / k)) * k;
        if (height <= canvasHeight && width <= canvasWidth && width >= required.width) {
            w = width;
            h = height;
            return true;
        }
    }
    return false;
}

// Places a span of the given length centred on the wanted one, inside [0, limit) and covering
// the required span.
int placeSpan(int length, int wantedPos, int wantedLength, int requiredPos, int requiredLength,
              int limit) {
    int pos = wantedPos + (wantedLength - length) / 2;
    pos = std::min(pos, requiredPos);
    pos = std::max(pos, requiredPos + requiredLength - length);
    return std::clamp(pos, 0, std::max(0, limit - length));
}

// The region a backend gets: the wanted context, widened to the backend's aspect ratio and
// rounded to its alignment, scaled down where the canvas is too small, but always covering
// the required rectangle.
Rect squareUp(const Rect& wanted, const Rect& required, int canvasWidth, int canvasHeight,
              const RegionPlanOptions& options) {
    double width = wanted.width, height = wanted.height;
    if (options.nativeWidth > 0 && options.nativeHeight > 0) {
        const double aspect = static_cast<double>(options.nativeWidth) / options.nativeHeight;
        if (width < height * aspect)
            width = height * aspect;
        else
            height = width / aspect;
        if (options.growToNative && width < options.nativeWidth) {
            width = options.nativeWidth;
            height = options.nativeHeight;
        }
        const double scale = std::min({1.0, canvasWidth / width, canvasHeight / height});
        width *= scale;
        height *= scale;
    }
    int w = std::min(canvasWidth, static_cast<int>(std::lround(width)));
    int h = std::min(canvasHeight, static_cast<int>(std::lround(height)));
    if (!alignedToAspect(w, h, required, canvasWidth, canvasHeight, options)) {
        w = std::max(alignedLength(w, options.alignment, canvasWidth, required.width), required.width);
        h = std::max(alignedLength(h, options.alignment, canvasHeight, required.height),
                     required.height);
    }
    return Rect{placeSpan(w, wanted.x, wanted.width, required.x, required.width, canvasWidth),
                placeSpan(h, wanted.y, wanted.height, required.y, required.height, canvasHeight), w, h};
}

// The masks of a plan whose region is set. Every mask pixel that matters lies in the region
// and the needed margin covers the reach of the masks, so computing them on the crop gives the
// same result as on the whole canvas.
void fillMasks(RegionPlan& plan, const Image& mask, const Sizes& sizes,
               const RegionPlanOptions& options) {
    plan.contextMargin = sizes.contextMargin;
    plan.denoiseGrow = sizes.denoiseGrow;
    plan.blendFeather = sizes.blendFeather;
    plan.blendGrow = sizes.blendCore;
    plan.userMask = cropImage(mask, plan.region);
    plan.denoiseMask = options.softMask
                           ? curveMask(plan.userMask, options.softCurve)
                           : softGrownMask(plan.userMask, sizes.denoiseGrow, sizes.denoiseFeather);
    plan.blendMask = softGrownMask(plan.userMask, sizes.blendCore, sizes.blendRamp);
    plan.colorRing = colorRingAround(plan.denoiseMask, sizes.ringWidth);
}

} // namespace

RegionPlan planRegion(const Image& mask, const RegionPlanOptions& options) {
    RegionPlan plan;
    const Rect bounds = maskBounds(mask);
    if (bounds.empty())
        return plan;
    const Sizes sizes = resolveSizes(mask, bounds, options);
    const Rect canvas{0, 0, mask.width, mask.height};
    const auto grown = [&](int m) {
        return Rect{bounds.x - m, bounds.y - m, bounds.width + 2 * m, bounds.height + 2 * m}
            .intersected(canvas);
    };
    plan.region = squareUp(grown(sizes.contextMargin), grown(sizes.neededMargin), mask.width,
                           mask.height, options);
    fillMasks(plan, mask, sizes, options);
    return plan;
}

RegionPlan planRegionInFrame(const Image& mask, const Rect& frame, const RegionPlanOptions& options) {
    RegionPlan plan;
    const Rect region = frame.intersected(Rect{0, 0, mask.width, mask.height});
    const Image inFrame = cropImage(mask, region);
    if (region.empty() || maskIsEmpty(inFrame))
        return plan;
    plan.region = region;
    fillMasks(plan, mask, resolveSizes(inFrame, maskBounds(inFrame), options), options);
    return plan;
}

} // namespace limner::engine::imaging
