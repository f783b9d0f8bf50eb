#pragma once

// Private to limner_imaging: the only place where limner images meet cv::Mat. Never include it
// from a header that another module sees.

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

#include <opencv2/core.hpp>

namespace limner::engine::imaging {

// A Mat header over the image's bytes (no copy); the image must outlive the Mat.
inline cv::Mat matView(const Image& image) {
    return cv::Mat(image.height, image.width, CV_8UC(image.channels),
                   const_cast<std::uint8_t*>(image.bytes.data()), image.stride());
}

inline Image imageFromMat(const cv::Mat& mat) {
    CV_Assert(mat.depth() == CV_8U && mat.channels() >= 1 && mat.channels() <= 4);
    Image image(mat.cols, mat.rows, mat.channels());
    cv::Mat target = matView(image);
    mat.copyTo(target);
    return image;
}

inline cv::Rect cvRect(const Rect& r) {
    return {r.x, r.y, r.width, r.height};
}

} // namespace limner::engine::imaging
