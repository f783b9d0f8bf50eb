#include "engine/imaging/PoissonBlend.h"

#include "engine/imaging/OpenCvBridge.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#include <string>

namespace limner::engine::imaging {

namespace {

// seamlessClone erodes the mask by a pixel and reads the destination around it: a margin of
// replicated pixels keeps the area clear of the image border.
constexpr int kPad = 4;

} // namespace

Status poissonBlend(const Image& fill, const Image& original, const Image& area, Image& blended) {
    if (fill.channels != 3 || original.channels != 3 || area.channels != 1 ||
        fill.width != original.width || fill.height != original.height || fill.width != area.width ||
        fill.height != area.height || fill.empty() || !fill.isConsistent() ||
        !original.isConsistent() || !area.isConsistent())
        return Status::badInput("Poisson blending needs two RGB images and a 1-channel mask of the "
                                "same size");
    try {
        cv::Mat binary;
        cv::compare(matView(area), 0, binary, cv::CMP_NE);
        if (cv::countNonZero(binary) == 0) {
            blended = original;
            return Status::ok();
        }
        cv::Mat src, dst, mask;
        cv::copyMakeBorder(matView(fill), src, kPad, kPad, kPad, kPad, cv::BORDER_REPLICATE);
        cv::copyMakeBorder(matView(original), dst, kPad, kPad, kPad, kPad, cv::BORDER_REPLICATE);
        cv::copyMakeBorder(binary, mask, kPad, kPad, kPad, kPad, cv::BORDER_CONSTANT, 0);
        // seamlessClone centres the mask's bounding box on this point with integer halves.
        const cv::Rect box = cv::boundingRect(mask);
        const cv::Point center(box.x + box.width / 2, box.y + box.height / 2);
        // OpenCV's clone works in BGR order only for its colour-change modes; NORMAL_CLONE is
        // per channel, so RGB passes through unchanged.
        cv::Mat cloned;
        cv::seamlessClone(src, dst, mask, center, cloned, cv::NORMAL_CLONE);
        cv::Mat result = matView(original).clone();
        cloned(cv::Rect(kPad, kPad, fill.width, fill.height)).copyTo(result, binary);
        blended = imageFromMat(result);
        return Status::ok();
    } catch (const cv::Exception& e) {
        if (e.code == cv::Error::StsNoMem)
            return Status::outOfMemory("not enough memory for Poisson blending: turn it off or use a "
                                       "smaller mask");
        return Status::internal(std::string("Poisson blending failed inside OpenCV: ") + e.what());
    }
}

} // namespace limner::engine::imaging
