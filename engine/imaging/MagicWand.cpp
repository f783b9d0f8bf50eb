#include "engine/imaging/MagicWand.h"

#include "engine/imaging/ColorRangeSelect.h"
#include "engine/imaging/OpenCvBridge.h"
#include "engine/imaging/SelectionLevels.h"

#include <opencv2/imgproc.hpp>
#include <string>

namespace limner::engine::imaging {

namespace {

constexpr std::uint8_t kReached = 128;

} // namespace

Status magicWandSelect(const Image& picture, int seedX, int seedY, const MagicWandOptions& options,
                       Image& mask) {
    if (Status s = checkSelectionPicture(picture, "the magic wand"); !s)
        return s;
    if (Status s = checkTolerance(options.tolerance); !s)
        return s;
    if (seedX < 0 || seedY < 0 || seedX >= picture.width || seedY >= picture.height)
        return Status::badInput("the magic wand's point (" + std::to_string(seedX) + ", " +
                                std::to_string(seedY) + ") is outside the " +
                                std::to_string(picture.width) + "×" + std::to_string(picture.height) +
                                " picture; click inside it");
    const std::uint8_t* seed = picture.pixel(seedX, seedY);
    const std::array<std::uint8_t, 3> color{seed[0], seed[1], seed[2]};
    if (!options.contiguous)
        return selectColorRange(picture, color, options.tolerance, options.antialias, mask);
    try {
        const cv::Mat distance = maxChannelDistance(matView(picture), color);
        cv::Mat inTolerance;
        cv::compare(distance, options.tolerance, inTolerance, cv::CMP_LE);
        // The seed's own distance is 0, so the fill always starts inside the tolerance.
        cv::floodFill(inTolerance, cv::Point(seedX, seedY), cv::Scalar(kReached), nullptr,
                      cv::Scalar(0), cv::Scalar(0), 4);
        cv::Mat core;
        cv::compare(inTolerance, kReached, core, cv::CMP_EQ);
        mask =
            imageFromMat(selectionWithSoftEdge(core, distance, options.tolerance, options.antialias));
        return Status::ok();
    } catch (const cv::Exception& e) {
        return Status::internal(std::string("the magic wand failed inside OpenCV: ") + e.what());
    }
}

} // namespace limner::engine::imaging
