#include "engine/imaging/HistogramMatch.h"

#include "engine/imaging/OpenCvBridge.h"

#include <array>

namespace limner::engine::imaging {

namespace {

using Histogram = std::array<double, 256>;

bool sameSize(const Image& a, const Image& b) {
    return a.width == b.width && a.height == b.height;
}

// Cumulative distribution of one channel over the pixels where area is non-zero.
Histogram cumulative(const Image& rgb, const Image& area, int channel) {
    Histogram h{};
    double count = 0;
    for (int y = 0; y < rgb.height; ++y) {
        const std::uint8_t* a = area.row(y);
        const std::uint8_t* px = rgb.row(y);
        for (int x = 0; x < rgb.width; ++x)
            if (a[x] != 0) {
                h[px[3 * x + channel]] += 1.0;
                count += 1.0;
            }
    }
    double sum = 0;
    for (double& v : h) {
        sum += v;
        v = sum / count;
    }
    return h;
}

} // namespace

Image matchHistograms(const Image& fill, const Image& fillArea, const Image& reference,
                      const Image& ring) {
    if (fill.channels != 3 || reference.channels != 3 || fillArea.channels != 1 || ring.channels != 1 ||
        !sameSize(fill, fillArea) || !sameSize(fill, reference) || !sameSize(fill, ring))
        return fill;
    if (cv::countNonZero(matView(fillArea)) == 0 || cv::countNonZero(matView(ring)) == 0)
        return fill;

    std::uint8_t lut[3][256];
    for (int c = 0; c < 3; ++c) {
        const Histogram from = cumulative(fill, fillArea, c);
        const Histogram to = cumulative(reference, ring, c);
        int target = 0;
        for (int v = 0; v < 256; ++v) {
            while (target < 255 &&
                   to[static_cast<std::size_t>(target)] < from[static_cast<std::size_t>(v)])
                ++target;
            lut[c][v] = static_cast<std::uint8_t>(target);
        }
    }
    Image matched = fill;
    for (int y = 0; y < fill.height; ++y) {
        const std::uint8_t* area = fillArea.row(y);
        std::uint8_t* px = matched.row(y);
        for (int x = 0; x < fill.width; ++x, px += 3) {
            if (area[x] == 0)
                continue;
            for (int c = 0; c < 3; ++c)
                px[c] = lut[c][px[c]];
        }
    }
    return matched;
}

} // namespace limner::engine::imaging
