#include "engine/imaging/bench/SeamScore.h"

#include "engine/imaging/OpenCvBridge.h"

#include <opencv2/imgproc.hpp>

namespace limner::engine::imaging::bench {

namespace {

cv::Mat gradientMagnitude(const Image& rgb) {
    cv::Mat grey, gx, gy, magnitude;
    cv::cvtColor(matView(rgb), grey, cv::COLOR_RGB2GRAY);
    grey.convertTo(grey, CV_32F);
    cv::Sobel(grey, gx, CV_32F, 1, 0, 3);
    cv::Sobel(grey, gy, CV_32F, 0, 1, 3);
    cv::magnitude(gx, gy, magnitude);
    return magnitude;
}

} // namespace

double seamScore(const Image& composite, const Image& reference, const Image& band) {
    const double own = cv::mean(gradientMagnitude(reference))[0];
    const double atSeam = cv::mean(gradientMagnitude(composite), matView(band))[0];
    return own > 0 ? atSeam / own : 0.0;
}

Image boundaryBand(const Image& mask, int radius) {
    cv::Mat binary, dilated, eroded, band;
    cv::compare(matView(mask), 0, binary, cv::CMP_NE);
    const cv::Mat disc =
        cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
    cv::dilate(binary, dilated, disc);
    cv::erode(binary, eroded, disc, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
    cv::subtract(dilated, eroded, band);
    return imageFromMat(band);
}

} // namespace limner::engine::imaging::bench
