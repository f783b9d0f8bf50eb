#include "engine/imaging/RegionPlan.h"

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
    s.blendCore = s.blendFeather / 2;
    s.blendRamp = (s.blendFeather + 1) / 2;
    // The fill must own every pixel the blend mask touches.
    s.denoiseGrow =
        std::max(options.denoiseGrow >= 0 ? options.denoiseGrow : proportional(size, 0.1, 4, 48),
                 s.blendReach());
    s.denoiseFeather = std::max(1, s.denoiseGrow / 3);
    s.ringWidth = std::max(4, s.blendFeather);
    const int needed = s.denoiseReach() + s.ringWidth + 1;
    const int wanted = options.contextMargin >= 0
                           ? options.contextMargin
                           : proportional(std::max(bounds.width, bounds.height), 0.3, 16, 512);
    s.contextMargin = std::max(needed, wanted);
    return s;
}

// Widens [pos, pos + length) to newLength around its centre, kept inside [0, limit). The
// old span stays covered. Returns false when newLength does not fit.
bool widenSpan(int& pos, int& length, int newLength, int limit) {
    if (newLength > limit)
        return false;
    if (newLength <= length)
        return true;
    int start = pos - (newLength - length) / 2;
    start = std::clamp(start, 0, limit - newLength);
    pos = start;
    length = newLength;
    return true;
}

Rect squareUp(Rect r, int canvasWidth, int canvasHeight, const RegionPlanOptions& options) {
    if (options.nativeWidth > 0 && options.nativeHeight > 0) {
        const double aspect = static_cast<double>(options.nativeWidth) / options.nativeHeight;
        if (r.width < r.height * aspect) {
            const int width = static_cast<int>(std::lround(r.height * aspect));
            if (!widenSpan(r.x, r.width, width, canvasWidth))
                widenSpan(r.x, r.width, canvasWidth, canvasWidth);
        } else {
            const int height = static_cast<int>(std::lround(r.width / aspect));
            if (!widenSpan(r.y, r.height, height, canvasHeight))
                widenSpan(r.y, r.height, canvasHeight, canvasHeight);
        }
    }
    if (options.alignment > 1) {
        const auto roundUp = [&](int v) {
            return (v + options.alignment - 1) / options.alignment * options.alignment;
        };
        widenSpan(r.x, r.width, roundUp(r.width), canvasWidth);
        widenSpan(r.y, r.height, roundUp(r.height), canvasHeight);
    }
    return r;
}

Image grownBinary(const Image& mask, int px) {
    if (px > 0)
        return growMask(mask, px);
    cv::Mat out;
    cv::compare(matView(mask), 0, out, cv::CMP_NE);
    return imageFromMat(out);
}

// 255 on grow(mask, hard), a soft ramp outwards, 0 past grow(mask, hard + 2 × feather).
Image softGrown(const Image& mask, int hard, int feather) {
    cv::Mat soft = matView(featherMask(growMask(mask, hard + feather), feather)).clone();
    cv::max(soft, matView(grownBinary(mask, hard)), soft);
    cv::min(soft, matView(grownBinary(mask, hard + 2 * feather)), soft);
    return imageFromMat(soft);
}

Image ringAround(const Image& area, int width) {
    cv::Mat ring;
    cv::Mat outsideArea;
    cv::compare(matView(area), 0, outsideArea, cv::CMP_EQ);
    cv::bitwise_and(matView(growMask(area, width)), outsideArea, ring);
    return imageFromMat(ring);
}

} // namespace

RegionPlan planRegion(const Image& mask, const RegionPlanOptions& options) {
    RegionPlan plan;
    const Rect bounds = maskBounds(mask);
    if (bounds.empty())
        return plan;
    const Sizes sizes = resolveSizes(mask, bounds, options);
    const Rect canvas{0, 0, mask.width, mask.height};
    const int m = sizes.contextMargin;
    const Rect withContext =
        Rect{bounds.x - m, bounds.y - m, bounds.width + 2 * m, bounds.height + 2 * m}.intersected(
            canvas);

    plan.region = squareUp(withContext, mask.width, mask.height, options);
    plan.contextMargin = sizes.contextMargin;
    plan.denoiseGrow = sizes.denoiseGrow;
    plan.blendFeather = sizes.blendFeather;
    // Every mask pixel lies in the region and the margin covers the reach of the masks below,
    // so computing them on the crop gives the same result as on the whole canvas.
    plan.userMask = cropImage(mask, plan.region);
    plan.denoiseMask = softGrown(plan.userMask, sizes.denoiseGrow, sizes.denoiseFeather);
    plan.blendMask = softGrown(plan.userMask, sizes.blendCore, sizes.blendRamp);
    plan.colorRing = ringAround(plan.denoiseMask, sizes.ringWidth);
    return plan;
}

} // namespace limner::engine::imaging
