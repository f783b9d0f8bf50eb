#include "engine/imaging/ClassicalFill.h"

#include "engine/imaging/OpenCvBridge.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#include <opencv2/xphoto/inpainting.hpp>
#include <algorithm>
#include <string>

namespace limner::engine::imaging {

namespace {

constexpr int kFsrBlock = 16;

cv::Mat fillWithFsr(const cv::Mat& rgb, const cv::Mat& area, int variant) {
    // FSR wants BGR and the opposite mask convention: non-zero = known pixel.
    cv::Mat bgr, known;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    cv::compare(area, 0, known, cv::CMP_EQ);
    const int shift = (5 * variant) % kFsrBlock;
    if (shift > 0) {
        cv::copyMakeBorder(bgr, bgr, shift, 0, shift, 0, cv::BORDER_REFLECT);
        cv::copyMakeBorder(known, known, shift, 0, shift, 0, cv::BORDER_REFLECT);
    }
    cv::Mat repaired;
    cv::xphoto::inpaint(bgr, known, repaired, cv::xphoto::INPAINT_FSR_FAST);
    cv::Mat unshifted = repaired(cv::Rect(shift, shift, rgb.cols, rgb.rows));
    cv::Mat result;
    cv::cvtColor(unshifted, result, cv::COLOR_BGR2RGB);
    // FSR may touch known pixels slightly; only the area is its to change.
    cv::Mat kept = rgb.clone();
    result.copyTo(kept, area);
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
        return Status::internal(std::string("the classical fill failed inside OpenCV: ") + e.what());
    }
}

} // namespace limner::engine::imaging
