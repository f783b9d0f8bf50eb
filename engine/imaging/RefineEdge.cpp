#include "engine/imaging/RefineEdge.h"

#include "engine/imaging/OpenCvBridge.h"
#include "engine/imaging/SelectionLevels.h"

#include <opencv2/imgproc.hpp>
#include <string>

namespace limner::engine::imaging {

namespace {

cv::Mat boxMean(const cv::Mat& values, int radius) {
    cv::Mat mean;
    cv::boxFilter(values, mean, CV_32F, cv::Size(2 * radius + 1, 2 * radius + 1), cv::Point(-1, -1),
                  true, cv::BORDER_REFLECT);
    return mean;
}

// He et al.'s guided filter with a colour guide (their Algorithm 1 with a 3×3 covariance): in
// every window p ≈ a · I + b, with a = (Σ + εU)⁻¹ cov(I, p); the output averages the (a, b) of
// all windows that hold a pixel. guide: 3 × CV_32F in 0–1; p: CV_32F.
cv::Mat guidedFilter(const cv::Mat (&guide)[3], const cv::Mat& p, int radius, double epsilon) {
    cv::Mat meanI[3], covIp[3];
    const cv::Mat meanP = boxMean(p, radius);
    for (int c = 0; c < 3; ++c) {
        meanI[c] = boxMean(guide[c], radius);
        covIp[c] = boxMean(guide[c].mul(p), radius) - meanI[c].mul(meanP);
    }
    // The six distinct entries of the symmetric covariance: rr, rg, rb, gg, gb, bb.
    const int pairs[6][2] = {{0, 0}, {0, 1}, {0, 2}, {1, 1}, {1, 2}, {2, 2}};
    cv::Mat sigma[6];
    for (int k = 0; k < 6; ++k) {
        const int i = pairs[k][0], j = pairs[k][1];
        sigma[k] = boxMean(guide[i].mul(guide[j]), radius) - meanI[i].mul(meanI[j]);
    }
    cv::Mat a[3] = {cv::Mat(p.size(), CV_32F), cv::Mat(p.size(), CV_32F), cv::Mat(p.size(), CV_32F)};
    cv::Mat b(p.size(), CV_32F);
    const float eps = static_cast<float>(epsilon);
    for (int y = 0; y < p.rows; ++y) {
        for (int x = 0; x < p.cols; ++x) {
            const float rr = sigma[0].at<float>(y, x) + eps, rg = sigma[1].at<float>(y, x),
                        rb = sigma[2].at<float>(y, x), gg = sigma[3].at<float>(y, x) + eps,
                        gb = sigma[4].at<float>(y, x), bb = sigma[5].at<float>(y, x) + eps;
            // The inverse of a symmetric 3×3 matrix through its cofactors.
            const float i00 = gg * bb - gb * gb, i01 = rb * gb - rg * bb, i02 = rg * gb - rb * gg;
            const float i11 = rr * bb - rb * rb, i12 = rb * rg - rr * gb, i22 = rr * gg - rg * rg;
            const float det = rr * i00 + rg * i01 + rb * i02;
            const float cr = covIp[0].at<float>(y, x), cg = covIp[1].at<float>(y, x),
                        cb = covIp[2].at<float>(y, x);
            const float ar = (i00 * cr + i01 * cg + i02 * cb) / det;
            const float ag = (i01 * cr + i11 * cg + i12 * cb) / det;
            const float ab = (i02 * cr + i12 * cg + i22 * cb) / det;
            a[0].at<float>(y, x) = ar;
            a[1].at<float>(y, x) = ag;
            a[2].at<float>(y, x) = ab;
            b.at<float>(y, x) = meanP.at<float>(y, x) - ar * meanI[0].at<float>(y, x) -
                                ag * meanI[1].at<float>(y, x) - ab * meanI[2].at<float>(y, x);
        }
    }
    cv::Mat q = boxMean(b, radius);
    for (int c = 0; c < 3; ++c)
        q += boxMean(a[c], radius).mul(guide[c]);
    return q;
}

} // namespace

Status refineMaskEdge(const Image& picture, const Image& mask, const RefineEdgeOptions& options,
                      Image& refined) {
    if (Status s = checkSelectionPicture(picture, "refining an edge"); !s)
        return s;
    if (mask.empty() || !mask.isConsistent() || mask.channels != 1)
        return Status::badInput("refining an edge needs a 1-channel mask");
    if (mask.width != picture.width || mask.height != picture.height)
        return Status::badInput("the mask is " + std::to_string(mask.width) + "×" +
                                std::to_string(mask.height) + " but the picture is " +
                                std::to_string(picture.width) + "×" + std::to_string(picture.height) +
                                "; make the mask the same size as the picture");
    if (options.radius < 1 || options.radius > 256)
        return Status::badInput("the edge radius must be 1 to 256 pixels, not " +
                                std::to_string(options.radius));
    if (!(options.epsilon > 0))
        return Status::badInput("the edge smoothness (epsilon) must be above 0");
    try {
        cv::Mat channels[4];
        cv::split(matView(picture), channels);
        cv::Mat guide[3];
        for (int c = 0; c < 3; ++c)
            channels[c].convertTo(guide[c], CV_32F, 1.0 / 255.0);
        cv::Mat p;
        matView(mask).convertTo(p, CV_32F, 1.0 / 255.0);
        const cv::Mat q = guidedFilter(guide, p, options.radius, options.epsilon);
        cv::Mat levels;
        q.convertTo(levels, CV_8U, 255.0); // saturates below 0 and above 255
        refined = imageFromMat(levels);
        return Status::ok();
    } catch (const cv::Exception& e) {
        if (e.code == cv::Error::StsNoMem)
            return Status::outOfMemory("not enough memory to refine the edge of so large a picture");
        return Status::internal(std::string("refining the edge failed inside OpenCV: ") + e.what());
    }
}

} // namespace limner::engine::imaging
