#include "engine/imaging/SeamTone.h"

#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace limner::engine::imaging {

namespace {

// Where the measured pixels' blurred weight falls below this share of its peak, the correction
// fades out with it: far from the soft edge the layer keeps its own (colour-matched) tone.
constexpr double kFullStrength = 0.25;

// A difference larger than this (per channel, 0–255) is an edge of the picture that the fill
// did not continue (a dark helmet beside a light wall), not a tone offset: it counts only up to
// this much, so it cannot carry its colour far into the fill.
constexpr int kLargestTone = 24;

} // namespace

void evenToneAtSoftEdge(Image& layer, const Rect& region, const Image& base, const Image& final,
                        double sigma) {
    const Rect canvas{0, 0, base.width, base.height};
    if (layer.channels != 4 || (base.channels != 3 && base.channels != 4) || final.channels != 1 ||
        final.width != base.width || final.height != base.height || layer.width != region.width ||
        layer.height != region.height || layer.empty() || sigma <= 0 ||
        region.intersected(canvas).width != region.width ||
        region.intersected(canvas).height != region.height)
        return;
    cv::Mat difference(layer.height, layer.width, CV_32FC3, cv::Scalar::all(0));
    cv::Mat weight(layer.height, layer.width, CV_32F, cv::Scalar(0));
    bool any = false;
    for (int y = 0; y < layer.height; ++y) {
        for (int x = 0; x < layer.width; ++x) {
            const std::uint8_t* px = layer.pixel(x, y);
            if (px[3] == 0 || px[3] == 255 || final.pixel(region.x + x, region.y + y)[0] == 0)
                continue;
            const std::uint8_t* old = base.pixel(region.x + x, region.y + y);
            if (base.channels == 4 && old[3] == 0)
                continue;
            cv::Vec3f& d = difference.at<cv::Vec3f>(y, x);
            for (int c = 0; c < 3; ++c)
                d[c] = static_cast<float>(
                    std::clamp(int(old[c]) - int(px[c]), -kLargestTone, kLargestTone));
            weight.at<float>(y, x) = 1.0f;
            any = true;
        }
    }
    if (!any)
        return;
    cv::GaussianBlur(difference, difference, cv::Size(), sigma, sigma, cv::BORDER_CONSTANT);
    cv::GaussianBlur(weight, weight, cv::Size(), sigma, sigma, cv::BORDER_CONSTANT);
    double peak = 0;
    cv::minMaxLoc(weight, nullptr, &peak);
    const double floor = kFullStrength * peak;
    for (int y = 0; y < layer.height; ++y) {
        for (int x = 0; x < layer.width; ++x) {
            std::uint8_t* px = layer.pixel(x, y);
            if (px[3] == 0)
                continue;
            const cv::Vec3f& d = difference.at<cv::Vec3f>(y, x);
            const double w = weight.at<float>(y, x);
            for (int c = 0; c < 3; ++c) {
                const double offset = d[c] / std::max(w, floor);
                px[c] = cv::saturate_cast<std::uint8_t>(px[c] + offset);
            }
        }
    }
}

} // namespace limner::engine::imaging
