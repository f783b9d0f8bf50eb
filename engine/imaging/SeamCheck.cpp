#include "engine/imaging/SeamCheck.h"

#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace limner::engine::imaging {

namespace {

cv::Mat labOf(const cv::Mat& rgb8) {
    cv::Mat rgb;
    rgb8.convertTo(rgb, CV_32FC3, 1.0 / 255.0);
    cv::Mat lab;
    cv::cvtColor(rgb, lab, cv::COLOR_RGB2Lab); // L 0..100, a and b about ±128
    return lab;
}

// Mean of lab over the pixels of `side` within a (2r+1)² window, at every pixel.
cv::Mat sideMean(const cv::Mat& lab, const cv::Mat& side, int r) {
    cv::Mat weight;
    side.convertTo(weight, CV_32F, 1.0 / 255.0);
    cv::Mat weighted;
    cv::Mat weight3;
    cv::merge(std::vector<cv::Mat>{weight, weight, weight}, weight3);
    cv::multiply(lab, weight3, weighted);
    const cv::Size window(2 * r + 1, 2 * r + 1);
    cv::Mat sum, count;
    cv::boxFilter(weighted, sum, -1, window, cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
    cv::boxFilter(weight, count, -1, window, cv::Point(-1, -1), false, cv::BORDER_CONSTANT);
    cv::Mat count3;
    cv::merge(std::vector<cv::Mat>{count, count, count}, count3);
    cv::Mat mean;
    cv::divide(sum, cv::max(count3, 1e-6), mean);
    return mean;
}

cv::Mat distance(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat diff = a - b;
    cv::Mat squared;
    cv::multiply(diff, diff, squared);
    std::vector<cv::Mat> channels;
    cv::split(squared, channels);
    cv::Mat out;
    cv::sqrt(channels[0] + channels[1] + channels[2], out);
    return out;
}

cv::Mat gradientOfLightness(const cv::Mat& lab) {
    std::vector<cv::Mat> channels;
    cv::split(lab, channels);
    cv::Mat gx, gy, magnitude;
    cv::Sobel(channels[0], gx, CV_32F, 1, 0, 3);
    cv::Sobel(channels[0], gy, CV_32F, 0, 1, 3);
    cv::magnitude(gx, gy, magnitude);
    return magnitude;
}

double percentile(const cv::Mat& values, const cv::Mat& where, double p) {
    std::vector<float> picked;
    for (int y = 0; y < values.rows; ++y) {
        const float* v = values.ptr<float>(y);
        const std::uint8_t* w = where.ptr<std::uint8_t>(y);
        for (int x = 0; x < values.cols; ++x) {
            if (w[x])
                picked.push_back(v[x]);
        }
    }
    if (picked.empty())
        return 0;
    const std::size_t k = std::min(picked.size() - 1, static_cast<std::size_t>(p * picked.size()));
    std::nth_element(picked.begin(), picked.begin() + static_cast<std::ptrdiff_t>(k), picked.end());
    return picked[k];
}

// The layer (RGBA) over the picture (RGB), 8-bit RGB.
cv::Mat compositeOf(const cv::Mat& baseRgb, const cv::Mat& layerMat) {
    std::vector<cv::Mat> layerChannels;
    cv::split(layerMat, layerChannels);
    cv::Mat a;
    layerChannels[3].convertTo(a, CV_32F, 1.0 / 255.0);
    cv::Mat a3;
    cv::merge(std::vector<cv::Mat>{a, a, a}, a3);
    cv::Mat layerRgb;
    cv::merge(std::vector<cv::Mat>{layerChannels[0], layerChannels[1], layerChannels[2]}, layerRgb);
    cv::Mat baseF, layerF;
    baseRgb.convertTo(baseF, CV_32FC3);
    layerRgb.convertTo(layerF, CV_32FC3);
    const cv::Mat compositeF = layerF.mul(a3) + baseF.mul(cv::Scalar::all(1.0) - a3);
    cv::Mat composite;
    compositeF.convertTo(composite, CV_8UC3);
    return composite;
}

cv::Mat rgbOf(const Image& picture) {
    cv::Mat rgb;
    if (picture.channels == 4)
        cv::cvtColor(matView(picture), rgb, cv::COLOR_RGBA2RGB);
    else
        rgb = matView(picture).clone();
    return rgb;
}

Status checkInputs(const Image& base, const Image& layer, const Image& userMask) {
    if (base.empty() || !base.isConsistent() || (base.channels != 3 && base.channels != 4))
        return Status::badInput("seam check: the picture must be RGB or RGBA");
    if (layer.empty() || !layer.isConsistent() || layer.channels != 4)
        return Status::badInput("seam check: the layer must be RGBA");
    if (layer.width != base.width || layer.height != base.height)
        return Status::badInput("seam check: the layer and the picture differ in size");
    if (!userMask.empty() && (userMask.channels != 1 || userMask.width != base.width ||
                              userMask.height != base.height || !userMask.isConsistent()))
        return Status::badInput("seam check: the mask must be 1 channel, the picture's size");
    return Status::ok();
}

std::string figure(const char* format, double a, double b) {
    char text[128];
    std::snprintf(text, sizeof text, format, a, b);
    return text;
}

} // namespace

Status checkSeam(const Image& base, const Image& layer, const Image& userMask,
                 const SeamCheckOptions& options, SeamReport& out) {
    if (Status s = checkInputs(base, layer, userMask); !s)
        return s;
    const int r = std::clamp(options.sideWidth, 1, 64);

    const cv::Mat baseRgb = rgbOf(base);
    const cv::Mat layerMat = matView(layer);
    std::vector<cv::Mat> layerChannels;
    cv::split(layerMat, layerChannels);
    const cv::Mat alpha = layerChannels[3];
    const cv::Mat composite = compositeOf(baseRgb, layerMat);

    const cv::Mat labComposite = labOf(composite), labBase = labOf(baseRgb);
    SeamReport report;
    report.heatmap = Image(base.width, base.height, 1);

    // Change where the user did not mask.
    if (!userMask.empty()) {
        cv::Mat outside;
        cv::bitwise_and(matView(userMask) == 0, alpha > 0, outside);
        if (cv::countNonZero(outside) > 0)
            report.changeOutside = cv::mean(distance(labComposite, labBase), outside)[0];
    }

    // The boundary: pixels of the layer's inside (alpha >= 128) next to its outside, away from
    // the region's border (the region is a crop: its edge is not a seam).
    const cv::Mat inside = alpha >= 128;
    const cv::Mat outsideSide = alpha < 128;
    cv::Mat grownOutside;
    cv::dilate(outsideSide, grownOutside, cv::Mat());
    cv::Mat boundary;
    cv::bitwise_and(inside, grownOutside, boundary);
    cv::Mat interior = cv::Mat::zeros(boundary.size(), CV_8U);
    if (boundary.cols > 2 * r + 2 && boundary.rows > 2 * r + 2)
        interior(cv::Rect(r + 1, r + 1, boundary.cols - 2 * r - 2, boundary.rows - 2 * r - 2)) = 255;
    cv::bitwise_and(boundary, interior, boundary);
    if (cv::countNonZero(boundary) == 0) {
        report.visible = report.changeOutside > options.maxChangeOutside;
        if (report.visible)
            report.reason = figure("the layer changes the picture outside the mask by %.1f ΔE",
                                   report.changeOutside, 0);
        out = std::move(report);
        return Status::ok();
    }

    // The colour step across the boundary, the fill's part of it.
    const cv::Mat stepComposite =
        distance(sideMean(labComposite, inside, r), sideMean(labComposite, outsideSide, r));
    const cv::Mat stepBase = distance(sideMean(labBase, inside, r), sideMean(labBase, outsideSide, r));
    cv::Mat excess = cv::max(stepComposite - stepBase, 0.0);
    report.colorStep = percentile(excess, boundary, 0.9);

    // A line sharper than the picture's texture around it.
    cv::Mat band;
    cv::dilate(boundary, band, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1}));
    const cv::Mat gradientBase = gradientOfLightness(labBase);
    const cv::Mat gradientComposite = gradientOfLightness(labComposite);
    const double own = percentile(gradientBase, band, 0.9);
    const double seam = percentile(gradientComposite, boundary, 0.9);
    report.edgeRatio = seam / std::max(own, 4.0); // below a Sobel of 4 (on L 0..100) is flat

    // Texture on each side, a little away from the boundary line itself.
    cv::Mat wide;
    cv::dilate(boundary, wide, cv::getStructuringElement(cv::MORPH_ELLIPSE, {6 * r + 1, 6 * r + 1}));
    cv::Mat insideBand, outsideBand;
    cv::bitwise_and(wide, inside, insideBand);
    cv::bitwise_and(wide, outsideSide, outsideBand);
    const double outsideBase = cv::mean(gradientBase, outsideBand)[0];
    const double insideBase = cv::mean(gradientBase, insideBand)[0];
    if (outsideBase >= 4.0 && insideBase >= 4.0 && cv::countNonZero(insideBand) > 0 &&
        cv::countNonZero(outsideBand) > 0) {
        const double insideComposite = cv::mean(gradientComposite, insideBand)[0];
        const double outsideComposite = cv::mean(gradientComposite, outsideBand)[0];
        report.textureRatio = (insideComposite / std::max(outsideComposite, 1e-3)) /
                              (insideBase / std::max(outsideBase, 1e-3));
    }

    // The heatmap: the excess step on the boundary, widened to be seen.
    cv::Mat heat;
    excess.convertTo(heat, CV_8U, 255.0 / (3.0 * std::max(options.maxColorStep, 0.1)));
    heat.setTo(0, boundary == 0);
    cv::dilate(heat, heat, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
    cv::Mat target = matView(report.heatmap);
    heat.copyTo(target);

    std::vector<std::string> reasons;
    if (report.colorStep > options.maxColorStep)
        reasons.push_back(figure("a colour step of %.1f ΔE along the edge (limit %.1f)",
                                 report.colorStep, options.maxColorStep));
    if (report.edgeRatio > options.maxEdgeRatio)
        reasons.push_back(figure("an edge %.1f× sharper than the picture's own (limit %.1f)",
                                 report.edgeRatio, options.maxEdgeRatio));
    if (report.textureRatio < options.minTextureRatio)
        reasons.push_back(
            figure("a fill smoother than the picture around it (texture ×%.2f, limit ×%.2f)",
                   report.textureRatio, options.minTextureRatio));
    if (report.changeOutside > options.maxChangeOutside)
        reasons.push_back(figure("%.1f ΔE of change outside the mask (limit %.1f)",
                                 report.changeOutside, options.maxChangeOutside));
    report.visible = !reasons.empty();
    for (std::size_t i = 0; i < reasons.size(); ++i)
        report.reason += (i ? "; " : "") + reasons[i];
    out = std::move(report);
    return Status::ok();
}

Status fillChange(const Image& base, const Image& before, const Image& after, const Image& userMask,
                  double& meanDeltaE) {
    if (Status s = checkInputs(base, before, userMask); !s)
        return s;
    if (Status s = checkInputs(base, after, userMask); !s)
        return s;
    meanDeltaE = 0;
    if (userMask.empty())
        return Status::ok();
    cv::Mat core;
    cv::erode(matView(userMask) > 0, core, cv::Mat(), cv::Point(-1, -1), 2);
    if (cv::countNonZero(core) == 0)
        return Status::ok();
    const cv::Mat baseRgb = rgbOf(base);
    const cv::Mat a = labOf(compositeOf(baseRgb, matView(before)));
    const cv::Mat b = labOf(compositeOf(baseRgb, matView(after)));
    meanDeltaE = cv::mean(distance(a, b), core)[0];
    return Status::ok();
}

} // namespace limner::engine::imaging
