#include "engine/imaging/CandidateBlend.h"

#include "engine/imaging/CandidateLayer.h"
#include "engine/imaging/ColorMatch.h"
#include "engine/imaging/HistogramMatch.h"
#include "engine/imaging/OpenCvBridge.h"
#include "engine/imaging/PoissonBlend.h"

#include <opencv2/imgproc.hpp>

namespace limner::engine::imaging {

namespace {

bool sameShape(const Image& a, const Image& b, int channels) {
    return b.channels == channels && a.width == b.width && a.height == b.height && b.isConsistent();
}

Image both(const Image& a, const Image& b) {
    cv::Mat out;
    cv::Mat binaryA, binaryB;
    cv::compare(matView(a), 0, binaryA, cv::CMP_NE);
    cv::compare(matView(b), 0, binaryB, cv::CMP_NE);
    cv::bitwise_and(binaryA, binaryB, out);
    return imageFromMat(out);
}

// The part of area within `width` pixels (at least 3) of its edge: where the fill meets the
// known pixels. The whole area when it is thinner than that.
Image outerBand(const Image& area, int width) {
    const cv::Mat binary = matView(area) > 0;
    const int w = std::max(3, width);
    cv::Mat inner;
    cv::erode(binary, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * w + 1, 2 * w + 1}));
    Image band(area.width, area.height, 1);
    cv::Mat bandMat = matView(band);
    bandMat.setTo(255, binary & ~inner);
    return cv::countNonZero(bandMat) > 0 ? band : area;
}

} // namespace

Status blendCandidate(const CandidateBlendInput& in, const CandidateBlendOptions& options,
                      Image& layer) {
    const Image& fill = in.fill;
    if (fill.channels != 3 || fill.empty() || !fill.isConsistent() ||
        !sameShape(fill, in.original, 3) || !sameShape(fill, in.changed, 1) ||
        !sameShape(fill, in.denoiseMask, 1) || !sameShape(fill, in.colorRing, 1) ||
        !sameShape(fill, in.blendMask, 1))
        return Status::badInput("a candidate's pixels, original and masks must all be the region's "
                                "size");
    Image result = in.original;
    matView(fill).copyTo(matView(result), matView(in.changed));

    // Matching and Poisson act on the whole area the fill owned, or not at all when the fill
    // changed nothing there: per changed pixel, a fill that happens to repeat some original
    // pixels would come out speckled.
    const bool filledAnything = cv::countNonZero(matView(both(in.denoiseMask, in.changed))) > 0;
    const Image none(fill.width, fill.height, 1);
    const Image& matchArea = filledAnything ? in.denoiseMask : none;
    if (options.colorMatch == ColorMatchMode::Statistics)
        result = matchColors(
            result, options.matchBand > 0 ? outerBand(matchArea, options.matchBand) : matchArea,
            matchArea, in.original, in.colorRing);
    else if (options.colorMatch == ColorMatchMode::Histogram)
        result = matchHistograms(result, matchArea, in.original, in.colorRing);

    if (options.poisson) {
        Image blended;
        const Status status =
            poissonBlend(result, in.original, filledAnything ? in.blendMask : none, blended);
        if (!status)
            return status;
        result = std::move(blended);
    }
    layer = makeCandidateLayer(result, in.blendMask);
    return Status::ok();
}

Image changedMask(const Image& output, const Image& input, int width, int height) {
    if (output.channels != input.channels || output.width != input.width ||
        output.height != input.height || output.empty())
        return Image(width, height, 1, 255);
    cv::Mat difference, changed;
    cv::absdiff(matView(output), matView(input), difference);
    if (difference.channels() > 1)
        difference = difference.reshape(1, difference.rows * difference.cols);
    cv::reduce(difference, changed, 1, cv::REDUCE_MAX);
    changed = changed.reshape(1, output.height);
    cv::compare(changed, 0, changed, cv::CMP_NE);
    if (width == output.width && height == output.height)
        return imageFromMat(changed);
    cv::dilate(changed, changed, cv::Mat::ones(3, 3, CV_8U));
    cv::Mat resized;
    cv::resize(changed, resized, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
    cv::dilate(resized, resized, cv::Mat::ones(3, 3, CV_8U));
    cv::compare(resized, 0, resized, cv::CMP_NE);
    return imageFromMat(resized);
}

} // namespace limner::engine::imaging
