#include "engine/imaging/OutpaintSeed.h"

#include "engine/imaging/ClassicalFill.h"
#include "engine/imaging/MaskOps.h"
#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <cstring>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

namespace limner::engine::imaging {

namespace {

// The band of known pixels whose colours the blurred and noise seeds continue.
constexpr int kEdgeBand = 16;

struct NearestKnown {
    cv::Mat distance;             // CV_32F: distance of every pixel to the nearest known one
    cv::Mat labels;               // CV_32S: label of the nearest known pixel
    std::vector<cv::Point> where; // label → its position
};

NearestKnown nearestKnown(const cv::Mat& unknown) {
    NearestKnown nearest;
    cv::Mat unknownBinary;
    cv::compare(unknown, 0, unknownBinary, cv::CMP_NE);
    cv::distanceTransform(unknownBinary, nearest.distance, nearest.labels, cv::DIST_L2, cv::DIST_MASK_5,
                          cv::DIST_LABEL_PIXEL);
    for (int y = 0; y < unknown.rows; ++y) {
        const std::uint8_t* u = unknown.ptr<std::uint8_t>(y);
        const int* l = nearest.labels.ptr<int>(y);
        for (int x = 0; x < unknown.cols; ++x) {
            if (u[x] != 0)
                continue;
            if (l[x] >= static_cast<int>(nearest.where.size()))
                nearest.where.resize(static_cast<std::size_t>(l[x]) + 1);
            nearest.where[static_cast<std::size_t>(l[x])] = {x, y};
        }
    }
    return nearest;
}

cv::Mat edgeExtended(const cv::Mat& rgb, const cv::Mat& unknown, const NearestKnown& nearest) {
    cv::Mat out = rgb.clone();
    for (int y = 0; y < rgb.rows; ++y) {
        const std::uint8_t* u = unknown.ptr<std::uint8_t>(y);
        const int* l = nearest.labels.ptr<int>(y);
        cv::Vec3b* px = out.ptr<cv::Vec3b>(y);
        for (int x = 0; x < rgb.cols; ++x)
            if (u[x] != 0)
                px[x] = rgb.at<cv::Vec3b>(nearest.where[static_cast<std::size_t>(l[x])]);
    }
    return out;
}

cv::Mat reflected(const cv::Mat& rgb, const cv::Mat& unknown, const NearestKnown& nearest) {
    cv::Mat known;
    cv::compare(unknown, 0, known, cv::CMP_EQ);
    const cv::Rect bounds = cv::boundingRect(known);
    cv::Mat out = edgeExtended(rgb, unknown, nearest);
    for (int y = 0; y < rgb.rows; ++y) {
        const int ry =
            bounds.y + cv::borderInterpolate(y - bounds.y, bounds.height, cv::BORDER_REFLECT);
        const std::uint8_t* u = unknown.ptr<std::uint8_t>(y);
        cv::Vec3b* px = out.ptr<cv::Vec3b>(y);
        for (int x = 0; x < rgb.cols; ++x) {
            if (u[x] == 0)
                continue;
            const int rx =
                bounds.x + cv::borderInterpolate(x - bounds.x, bounds.width, cv::BORDER_REFLECT);
            // Known areas that are not rectangles can mirror onto unknown pixels: those keep
            // the edge-extended colour.
            if (unknown.at<std::uint8_t>(ry, rx) == 0)
                px[x] = rgb.at<cv::Vec3b>(ry, rx);
        }
    }
    return out;
}

cv::Mat blurredMean(const cv::Mat& rgb, const cv::Mat& unknown, const NearestKnown& nearest,
                    bool addNoise, std::uint64_t seed) {
    const cv::Mat extended = edgeExtended(rgb, unknown, nearest);
    double deepest = 0;
    cv::minMaxLoc(nearest.distance, nullptr, &deepest);
    const double sigma = std::max(4.0, deepest / 4.0);
    cv::Mat blurred;
    cv::GaussianBlur(extended, blurred, cv::Size(), sigma, sigma, cv::BORDER_REFLECT);

    cv::Mat band;
    cv::compare(nearest.distance, 0, band, cv::CMP_EQ); // known pixels …
    cv::Mat nearUnknown = matView(growMask(imageFromMat(unknown), kEdgeBand));
    cv::bitwise_and(band, nearUnknown, band); // … within the band around the unknown area
    cv::Scalar mean, spread;
    cv::meanStdDev(rgb, mean, spread, band);

    cv::Mat noise;
    if (addNoise) {
        noise.create(rgb.size(), CV_32FC3);
        cv::RNG rng(seed);
        rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), spread);
    }
    cv::Mat out = rgb.clone();
    for (int y = 0; y < rgb.rows; ++y) {
        const std::uint8_t* u = unknown.ptr<std::uint8_t>(y);
        const float* d = nearest.distance.ptr<float>(y);
        const cv::Vec3b* b = blurred.ptr<cv::Vec3b>(y);
        cv::Vec3b* px = out.ptr<cv::Vec3b>(y);
        for (int x = 0; x < rgb.cols; ++x) {
            if (u[x] == 0)
                continue;
            const double t = std::min(1.0, d[x] / std::max(1.0, deepest));
            for (int c = 0; c < 3; ++c) {
                double v = b[x][c] * (1.0 - t) + mean[c] * t;
                if (addNoise)
                    v += noise.at<cv::Vec3f>(y, x)[c];
                px[x][c] = cv::saturate_cast<std::uint8_t>(v);
            }
        }
    }
    return out;
}

} // namespace

Status seedUnknownArea(SeedMethod method, const Image& rgb, const Image& unknown, std::uint64_t seed,
                       Image& seeded) {
    if (rgb.channels != 3 || unknown.channels != 1 || rgb.width != unknown.width ||
        rgb.height != unknown.height || !rgb.isConsistent() || !unknown.isConsistent() || rgb.empty())
        return Status::badInput("seeding a new canvas area needs an RGB image and a 1-channel mask "
                                "of the same size");
    const int unknownCount = maskArea(unknown);
    if (method == SeedMethod::None || unknownCount == 0 ||
        unknownCount == unknown.width * unknown.height) {
        seeded = rgb;
        return Status::ok();
    }
    try {
        switch (method) {
        case SeedMethod::Telea:
            return classicalFill(ClassicalFillMethod::Telea, rgb, unknown, 0, seeded);
        case SeedMethod::Fsr:
            return classicalFill(ClassicalFillMethod::Fsr, rgb, unknown, 0, seeded);
        default:
            break;
        }
        const cv::Mat source = matView(rgb);
        const cv::Mat unknownMat = matView(unknown);
        const NearestKnown nearest = nearestKnown(unknownMat);
        cv::Mat result;
        if (method == SeedMethod::EdgeExtend)
            result = edgeExtended(source, unknownMat, nearest);
        else if (method == SeedMethod::Reflect)
            result = reflected(source, unknownMat, nearest);
        else
            result = blurredMean(source, unknownMat, nearest, method == SeedMethod::Noise, seed);
        seeded = imageFromMat(result);
        return Status::ok();
    } catch (const cv::Exception& e) {
        if (e.code == cv::Error::StsNoMem)
            return Status::outOfMemory("not enough memory to seed the new canvas area: try a smaller "
                                       "extension");
        return Status::internal(std::string("seeding the new canvas area failed inside OpenCV: ") +
                                e.what());
    }
}

const char* seedMethodName(SeedMethod method) {
    switch (method) {
    case SeedMethod::None:
        return "none";
    case SeedMethod::EdgeExtend:
        return "edge";
    case SeedMethod::Reflect:
        return "reflect";
    case SeedMethod::Telea:
        return "telea";
    case SeedMethod::Fsr:
        return "fsr";
    case SeedMethod::BlurredMean:
        return "blur";
    case SeedMethod::Noise:
        return "noise";
    }
    return "edge";
}

bool parseSeedMethod(const char* name, SeedMethod& method) {
    for (SeedMethod m :
         {SeedMethod::None, SeedMethod::EdgeExtend, SeedMethod::Reflect, SeedMethod::Telea,
          SeedMethod::Fsr, SeedMethod::BlurredMean, SeedMethod::Noise}) {
        if (std::strcmp(name, seedMethodName(m)) == 0) {
            method = m;
            return true;
        }
    }
    return false;
}

} // namespace limner::engine::imaging
