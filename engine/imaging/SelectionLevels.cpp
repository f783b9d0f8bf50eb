#include "engine/imaging/SelectionLevels.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <string>

namespace limner::engine::imaging {

Status checkSelectionPicture(const Image& picture, const char* what) {
    if (picture.empty() || !picture.isConsistent())
        return Status::badInput(std::string(what) +
                                " needs a picture, and this one is empty or damaged");
    if (picture.channels != 3 && picture.channels != 4)
        return Status::badInput(std::string(what) + " needs an RGB or RGBA picture, not one with " +
                                std::to_string(picture.channels) + " channel(s)");
    return Status::ok();
}

Status checkTolerance(int tolerance) {
    if (tolerance < 0 || tolerance > 255)
        return Status::badInput("the tolerance must be 0 to 255, not " + std::to_string(tolerance));
    return Status::ok();
}

cv::Mat maxChannelDistance(const cv::Mat& picture, const std::array<std::uint8_t, 3>& color) {
    cv::Mat channels[4];
    cv::split(picture, channels);
    cv::Mat distance, difference;
    for (int c = 0; c < 3; ++c) {
        cv::absdiff(channels[c], cv::Scalar(color[static_cast<std::size_t>(c)]), difference);
        if (c == 0)
            distance = difference.clone();
        else
            cv::max(distance, difference, distance);
    }
    return distance;
}

cv::Mat selectionWithSoftEdge(const cv::Mat& core, const cv::Mat& distance, int tolerance,
                              bool antialias) {
    cv::Mat selection = core.clone();
    if (!antialias)
        return selection;
    const int ramp = std::max(1, tolerance / 2);
    std::uint8_t levels[256];
    for (int d = 0; d < 256; ++d) {
        const int past = d - tolerance;
        levels[d] = past <= 0 || past >= ramp
                        ? 0
                        : static_cast<std::uint8_t>((255 * (ramp - past) + ramp / 2) / ramp);
    }
    cv::Mat edge;
    cv::dilate(core, edge, cv::Mat()); // 3×3: the pixels that touch core
    for (int y = 0; y < selection.rows; ++y) {
        std::uint8_t* out = selection.ptr<std::uint8_t>(y);
        const std::uint8_t* near = edge.ptr<std::uint8_t>(y);
        const std::uint8_t* d = distance.ptr<std::uint8_t>(y);
        for (int x = 0; x < selection.cols; ++x) {
            if (out[x] == 0 && near[x] != 0)
                out[x] = levels[d[x]];
        }
    }
    return selection;
}

} // namespace limner::engine::imaging
