#include "engine/imaging/ColorMatch.h"

#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>

namespace limner::engine::imaging {

namespace {

constexpr double kMaxGain = 4.0 / 3.0;
// Below this spread a channel is flat: scaling it would only amplify noise.
constexpr double kFlatSpread = 2.0;

bool sameSize(const Image& a, const Image& b) {
    return a.width == b.width && a.height == b.height;
}

} // namespace

Image matchColors(const Image& fill, const Image& fillArea, const Image& reference, const Image& ring) {
    return matchColors(fill, fillArea, fillArea, reference, ring);
}

Image matchColors(const Image& fill, const Image& statsArea, const Image& fillArea,
                  const Image& reference, const Image& ring) {
    if (fill.channels != 3 || reference.channels != 3 || fillArea.channels != 1 || ring.channels != 1 ||
        statsArea.channels != 1 || !sameSize(fill, fillArea) || !sameSize(fill, statsArea) ||
        !sameSize(fill, reference) || !sameSize(fill, ring))
        return fill;
    const cv::Mat areaMat = matView(fillArea);
    const cv::Mat statsMat = matView(statsArea);
    const cv::Mat ringMat = matView(ring);
    if (cv::countNonZero(areaMat) == 0 || cv::countNonZero(ringMat) == 0 ||
        cv::countNonZero(statsMat) == 0)
        return fill;

    cv::Scalar fillMean, fillSpread, ringMean, ringSpread;
    cv::meanStdDev(matView(fill), fillMean, fillSpread, statsMat);
    cv::meanStdDev(matView(reference), ringMean, ringSpread, ringMat);

    std::uint8_t lut[3][256];
    for (int c = 0; c < 3; ++c) {
        const double gain = fillSpread[c] < kFlatSpread || ringSpread[c] < kFlatSpread
                                ? 1.0
                                : std::clamp(ringSpread[c] / fillSpread[c], 1.0 / kMaxGain, kMaxGain);
        for (int v = 0; v < 256; ++v)
            lut[c][v] = cv::saturate_cast<std::uint8_t>((v - fillMean[c]) * gain + ringMean[c]);
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
