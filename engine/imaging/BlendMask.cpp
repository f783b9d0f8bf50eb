#include "engine/imaging/BlendMask.h"

#include "engine/imaging/MaskOps.h"
#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace limner::engine::imaging {

namespace {

Image grownBinary(const Image& mask, int px) {
    if (px > 0)
        return growMask(mask, px);
    cv::Mat out;
    cv::compare(matView(mask), 0, out, cv::CMP_NE);
    return imageFromMat(out);
}

} // namespace

Image softGrownMask(const Image& mask, int hard, int ramp) {
    if (mask.channels != 1 || mask.empty() || !mask.isConsistent())
        return mask;
    cv::Mat soft = matView(featherMask(growMask(mask, hard + ramp), ramp)).clone();
    cv::max(soft, matView(grownBinary(mask, hard)), soft);
    cv::min(soft, matView(grownBinary(mask, hard + 2 * ramp)), soft);
    return imageFromMat(soft);
}

Image makeBlendMask(const Image& userMask, int grow, int feather, int maxReach) {
    grow = std::max(0, grow);
    feather = std::max(0, feather);
    if (maxReach >= 0 && grow + feather > maxReach) {
        // Keep the proportions the user asked for while fitting the fill's reach.
        const double scale = static_cast<double>(maxReach) / (grow + feather);
        grow = static_cast<int>(grow * scale);
        feather = std::max(0, maxReach - grow);
    }
    return softGrownMask(userMask, grow, (feather + 1) / 2);
}

Image colorRingAround(const Image& area, int width) {
    if (area.channels != 1 || area.empty() || !area.isConsistent())
        return area;
    cv::Mat ring;
    cv::Mat outsideArea;
    cv::compare(matView(area), 0, outsideArea, cv::CMP_EQ);
    cv::bitwise_and(matView(growMask(area, width)), outsideArea, ring);
    return imageFromMat(ring);
}

int colorRingWidth(int blendFeather) {
    return std::max(4, blendFeather);
}

int denoiseFeather(int denoiseGrow) {
    return std::max(1, denoiseGrow / 3);
}

} // namespace limner::engine::imaging
