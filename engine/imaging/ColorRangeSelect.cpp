#include "engine/imaging/ColorRangeSelect.h"

#include "engine/imaging/OpenCvBridge.h"
#include "engine/imaging/SelectionLevels.h"

#include <string>

namespace limner::engine::imaging {

Status selectColorRange(const Image& picture, const std::array<std::uint8_t, 3>& color, int tolerance,
                        bool antialias, Image& mask) {
    if (Status s = checkSelectionPicture(picture, "selecting by colour"); !s)
        return s;
    if (Status s = checkTolerance(tolerance); !s)
        return s;
    try {
        const cv::Mat distance = maxChannelDistance(matView(picture), color);
        cv::Mat core;
        cv::compare(distance, tolerance, core, cv::CMP_LE);
        mask = imageFromMat(selectionWithSoftEdge(core, distance, tolerance, antialias));
        return Status::ok();
    } catch (const cv::Exception& e) {
        return Status::internal(std::string("selecting by colour failed inside OpenCV: ") + e.what());
    }
}

} // namespace limner::engine::imaging
