#include "engine/imaging/MaskOps.h"

#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace limner::engine::imaging {

namespace {

bool isMask(const Image& mask) {
    return mask.channels == 1 && !mask.empty() && mask.isConsistent();
}

// Euclidean distance from every pixel to the nearest zero pixel of source. Exact distances
// make the structuring element a true disc at every radius, and the cost does not grow with it.
cv::Mat distanceToZero(const cv::Mat& source) {
    cv::Mat distance;
    cv::distanceTransform(source, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE, CV_32F);
    return distance;
}

} // namespace

Rect maskBounds(const Image& mask) {
    if (!isMask(mask))
        return {};
    int left = mask.width, top = mask.height, right = -1, bottom = -1;
    for (int y = 0; y < mask.height; ++y) {
        const std::uint8_t* row = mask.row(y);
        const std::uint8_t* end = row + mask.width;
        const std::uint8_t* first = std::find_if(row, end, [](std::uint8_t v) { return v != 0; });
        if (first == end)
            continue;
        const auto last = std::find_if(std::make_reverse_iterator(end), std::make_reverse_iterator(row),
                                       [](std::uint8_t v) { return v != 0; });
        left = std::min(left, static_cast<int>(first - row));
        right = std::max(right, static_cast<int>(last.base() - row) - 1);
        top = std::min(top, y);
        bottom = y;
    }
    if (right < 0)
        return {};
    return {left, top, right - left + 1, bottom - top + 1};
}

Image growMask(const Image& mask, int px) {
    if (px <= 0 || !isMask(mask))
        return mask;
    cv::Mat outside;
    cv::compare(matView(mask), 0, outside, cv::CMP_EQ);
    if (cv::countNonZero(outside) == static_cast<int>(outside.total()))
        return mask;
    cv::Mat grown;
    cv::compare(distanceToZero(outside), static_cast<double>(px) + 1e-3, grown, cv::CMP_LE);
    return imageFromMat(grown);
}

Image shrinkMask(const Image& mask, int px) {
    if (px <= 0 || !isMask(mask))
        return mask;
    cv::Mat inside;
    cv::compare(matView(mask), 0, inside, cv::CMP_NE);
    if (cv::countNonZero(inside) == static_cast<int>(inside.total()))
        return imageFromMat(inside);
    cv::Mat shrunk;
    cv::compare(distanceToZero(inside), static_cast<double>(px) + 1e-3, shrunk, cv::CMP_GT);
    return imageFromMat(shrunk);
}

Image invertMask(const Image& mask) {
    Image inverted = mask;
    for (std::uint8_t& v : inverted.bytes)
        v = static_cast<std::uint8_t>(255 - v);
    return inverted;
}

Image curveMask(const Image& mask, double exponent) {
    if (!(exponent > 0) || exponent == 1.0)
        return mask;
    std::uint8_t table[256];
    for (int v = 0; v < 256; ++v) {
        const long level = std::lround(255.0 * std::pow(v / 255.0, exponent));
        table[v] = static_cast<std::uint8_t>(v == 0 ? 0 : std::clamp(level, 1L, 255L));
    }
    Image curved = mask;
    for (std::uint8_t& v : curved.bytes)
        v = table[v];
    return curved;
}

bool maskIsEmpty(const Image& mask) {
    return std::all_of(mask.bytes.begin(), mask.bytes.end(), [](std::uint8_t v) { return v == 0; });
}

Image featherMask(const Image& mask, int px) {
    if (px <= 0 || !isMask(mask))
        return mask;
    cv::Mat feathered;
    const int size = 2 * px + 1;
    cv::GaussianBlur(matView(mask), feathered, cv::Size(size, size), px / 2.0, px / 2.0,
                     cv::BORDER_REPLICATE);
    return imageFromMat(feathered);
}

int maskArea(const Image& mask) {
    if (!isMask(mask))
        return 0;
    return cv::countNonZero(matView(mask));
}

} // namespace limner::engine::imaging
