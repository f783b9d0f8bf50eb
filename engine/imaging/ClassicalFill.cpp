#include "engine/imaging/ClassicalFill.h"

#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#include <opencv2/xphoto/inpainting.hpp>
#include <string>

namespace limner::engine::imaging {

namespace {

constexpr int kFsrBlock = 16;
// FSR_FAST rebuilds a pixel from the known ones within a block or two; deeper inside a large
// hole its reconstruction fades towards black. It therefore runs at a scale where no hole pixel
// is further than this from a known one, and the result is enlarged back.
constexpr double kFsrReach = 10.0;
// Below this size the block transform has too little to work with and returns garbage.
constexpr int kFsrMinSide = 48;

double deepestHolePixel(const cv::Mat& hole) {
    cv::Mat depth;
    cv::distanceTransform(hole, depth, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    double deepest = 0;
    cv::minMaxLoc(depth, nullptr, &deepest);
    return deepest;
}

double fsrScale(const cv::Mat& area, double deepest) {
    const double scale = deepest > kFsrReach ? kFsrReach / deepest : 1.0;
    return std::min(1.0,
                    std::max(scale, static_cast<double>(kFsrMinSide) / std::min(area.cols, area.rows)));
}

cv::Mat fillWithFsr(const cv::Mat& rgb, const cv::Mat& area, int variant) {
    cv::Mat hole;
    cv::compare(area, 0, hole, cv::CMP_NE);
    const double deepest = deepestHolePixel(hole);
    const double scale = fsrScale(hole, deepest);
    cv::Mat bgr, smallHole;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    if (scale < 1.0) {
        cv::resize(bgr, bgr, cv::Size(), scale, scale, cv::INTER_AREA);
        // Any hole pixel in a small pixel's footprint makes it unknown.
        cv::resize(hole, smallHole, bgr.size(), 0, 0, cv::INTER_AREA);
        cv::compare(smallHole, 0, smallHole, cv::CMP_NE);
    } else {
        smallHole = hole;
    }
    // FSR wants the opposite mask convention: non-zero = known pixel.
    cv::Mat known;
    cv::compare(smallHole, 0, known, cv::CMP_EQ);
    const int shift = (5 * variant) % kFsrBlock;
    if (shift > 0) {
        cv::copyMakeBorder(bgr, bgr, shift, 0, shift, 0, cv::BORDER_REFLECT);
        cv::copyMakeBorder(known, known, shift, 0, shift, 0, cv::BORDER_REFLECT);
    }
    cv::Mat repaired;
    cv::xphoto::inpaint(bgr, known, repaired, cv::xphoto::INPAINT_FSR_FAST);
    cv::Mat result;
    cv::cvtColor(repaired(cv::Rect(shift, shift, repaired.cols - shift, repaired.rows - shift)), result,
                 cv::COLOR_BGR2RGB);
    if (scale < 1.0)
        cv::resize(result, result, rgb.size(), 0, 0, cv::INTER_CUBIC);
    // Only the area is the fill's to change.
    cv::Mat kept = rgb.clone();
    result.copyTo(kept, hole);
    return kept;
}

} // namespace

double classicalFillRadius(int variant) {
    return 3.0 + 4.0 * std::max(0, variant);
}

Status classicalFill(ClassicalFillMethod method, const Image& rgb, const Image& area, int variant,
                     Image& filled) {
    if (rgb.channels != 3 || area.channels != 1 || rgb.width != area.width ||
        rgb.height != area.height || !rgb.isConsistent() || !area.isConsistent() || rgb.empty())
        return Status::badInput(
            "a classical fill needs an RGB image and a 1-channel mask of the same size");
    try {
        const cv::Mat source = matView(rgb);
        const cv::Mat areaMat = matView(area);
        cv::Mat result;
        switch (method) {
        case ClassicalFillMethod::Telea:
            cv::inpaint(source, areaMat, result, classicalFillRadius(variant), cv::INPAINT_TELEA);
            break;
        case ClassicalFillMethod::NavierStokes:
            cv::inpaint(source, areaMat, result, classicalFillRadius(variant), cv::INPAINT_NS);
            break;
        case ClassicalFillMethod::Fsr:
            result = fillWithFsr(source, areaMat, variant);
            break;
        }
        filled = imageFromMat(result);
        return Status::ok();
    } catch (const cv::Exception& e) {
        if (e.code == cv::Error::StsNoMem)
            return Status::outOfMemory("not enough memory for the fill: try a smaller mask or picture");
        return Status::internal(std::string("the classical fill failed inside OpenCV: ") + e.what());
    }
}

} // namespace limner::engine::imaging
