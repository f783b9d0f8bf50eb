#include "engine/imaging/ObjectSelection.h"

#include "engine/imaging/OpenCvBridge.h"
#include "engine/imaging/RefineEdge.h"
#include "engine/imaging/SelectionLevels.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>

namespace limner::engine::imaging {

namespace {

constexpr int kMinimumBox = 8;
constexpr std::uint64_t kGrabCutSeed = 0x4c696d6e6572; // "Limner": the same start on every call

std::string sizeText(int width, int height) {
    return std::to_string(width) + "×" + std::to_string(height);
}

Status checkOptions(const ObjectSelectionOptions& o) {
    if (o.iterations < 1 || o.iterations > 50 || o.refineIterations < 0 || o.refineIterations > 50)
        return Status::badInput("GrabCut's rounds must be 1 to 50 (and 0 to 50 after clicks)");
    if (o.clickRadius < 0 || o.clickRadius > 200)
        return Status::badInput("a click's radius must be 0 (automatic) to 200 pixels, not " +
                                std::to_string(o.clickRadius));
    if (o.workingSize < 64 || o.workingSize > 16384)
        return Status::badInput("the working size must be 64 to 16384 pixels, not " +
                                std::to_string(o.workingSize));
    return Status::ok();
}

// GrabCut draws its colour models' starting points from OpenCV's thread-local generator; a fixed
// seed for the call (and the caller's generator back afterwards) makes the selection repeatable.
class SeededGenerator {
public:
    SeededGenerator()
        : m_saved(cv::theRNG()) {
        cv::theRNG() = cv::RNG(kGrabCutSeed);
    }
    ~SeededGenerator() { cv::theRNG() = m_saved; }
    SeededGenerator(const SeededGenerator&) = delete;
    SeededGenerator& operator=(const SeededGenerator&) = delete;

private:
    cv::RNG m_saved;
};

cv::Mat rgbOf(const Image& picture) {
    cv::Mat rgb;
    if (picture.channels == 4)
        cv::cvtColor(matView(picture), rgb, cv::COLOR_RGBA2RGB);
    else
        rgb = matView(picture);
    return rgb;
}

// The box in working pixels: every working pixel that the box touches.
cv::Rect scaledBox(const Rect& box, double scale, const cv::Size& size) {
    const int left = static_cast<int>(std::floor(box.x * scale));
    const int top = static_cast<int>(std::floor(box.y * scale));
    const int right = std::min(size.width, static_cast<int>(std::ceil(box.right() * scale)));
    const int bottom = std::min(size.height, static_cast<int>(std::ceil(box.bottom() * scale)));
    return {left, top, right - left, bottom - top};
}

cv::Point scaledPoint(int x, int y, double scale, const cv::Size& size) {
    return {std::min(size.width - 1, static_cast<int>(x * scale)),
            std::min(size.height - 1, static_cast<int>(y * scale))};
}

// The largest piece of the selection, every piece at least a quarter of its size, and every
// piece under an inside click: GrabCut's specks of object-like colour in the background go.
cv::Mat keepMainPieces(const cv::Mat& selected, const std::vector<cv::Point>& insidePoints) {
    cv::Mat labels, stats, centroids;
    const int count = cv::connectedComponentsWithStats(selected, labels, stats, centroids, 8, CV_32S);
    int largest = 0;
    for (int label = 1; label < count; ++label)
        largest = std::max(largest, stats.at<int>(label, cv::CC_STAT_AREA));
    std::vector<std::uint8_t> keep(static_cast<std::size_t>(count), 0);
    for (int label = 1; label < count; ++label)
        keep[static_cast<std::size_t>(label)] = 4 * stats.at<int>(label, cv::CC_STAT_AREA) >= largest;
    for (const cv::Point& point : insidePoints)
        keep[static_cast<std::size_t>(labels.at<int>(point))] = selected.at<std::uint8_t>(point) != 0;
    cv::Mat kept(selected.size(), CV_8U);
    for (int y = 0; y < kept.rows; ++y) {
        const int* label = labels.ptr<int>(y);
        std::uint8_t* out = kept.ptr<std::uint8_t>(y);
        for (int x = 0; x < kept.cols; ++x)
            out[x] = keep[static_cast<std::size_t>(label[x])] ? 255 : 0;
    }
    return kept;
}

} // namespace

Status selectObject(const Image& picture, const Rect& box, const std::vector<SelectionClick>& clicks,
                    const ObjectSelectionOptions& options, Image& mask) {
    if (Status s = checkSelectionPicture(picture, "selecting an object"); !s)
        return s;
    if (Status s = checkOptions(options); !s)
        return s;
    const Rect whole{0, 0, picture.width, picture.height};
    const Rect inside = box.intersected(whole);
    if (inside.width < kMinimumBox || inside.height < kMinimumBox)
        return Status::badInput("the box (" + std::to_string(box.x) + ", " + std::to_string(box.y) +
                                ", " + sizeText(box.width, box.height) + ") holds less than " +
                                sizeText(kMinimumBox, kMinimumBox) + " px of the " +
                                sizeText(picture.width, picture.height) +
                                " picture; draw it around the object");
    if (inside == whole)
        return Status::badInput("the box covers the whole picture, so nothing shows what the "
                                "background looks like; leave some background outside the box");
    for (const SelectionClick& click : clicks) {
        if (!whole.contains(click.x, click.y))
            return Status::badInput("the click at (" + std::to_string(click.x) + ", " +
                                    std::to_string(click.y) + ") is outside the " +
                                    sizeText(picture.width, picture.height) + " picture");
    }
    try {
        const double scale = std::min(1.0, static_cast<double>(options.workingSize) /
                                               std::max(picture.width, picture.height));
        cv::Mat working = rgbOf(picture);
        if (scale < 1.0)
            cv::resize(working, working, cv::Size(), scale, scale, cv::INTER_AREA);
        const cv::Rect rect = scaledBox(inside, scale, working.size());

        const SeededGenerator seeded;
        cv::Mat labels(working.size(), CV_8U, cv::Scalar(cv::GC_BGD));
        cv::Mat backgroundModel, objectModel;
        cv::grabCut(working, labels, rect, backgroundModel, objectModel, options.iterations,
                    cv::GC_INIT_WITH_RECT);
        std::vector<cv::Point> insidePoints;
        if (!clicks.empty()) {
            const int clickRadius =
                options.clickRadius > 0
                    ? options.clickRadius
                    : std::max(3, static_cast<int>(
                                      std::lround(0.015 * std::max(picture.width, picture.height))));
            const int radius = std::max(1, static_cast<int>(std::lround(clickRadius * scale)));
            for (const SelectionClick& click : clicks) {
                const cv::Point point = scaledPoint(click.x, click.y, scale, working.size());
                cv::circle(labels, point, radius, cv::Scalar(click.inside ? cv::GC_FGD : cv::GC_BGD),
                           cv::FILLED);
                if (click.inside)
                    insidePoints.push_back(point);
            }
            if (options.refineIterations > 0)
                cv::grabCut(working, labels, rect, backgroundModel, objectModel,
                            options.refineIterations, cv::GC_EVAL);
        }
        cv::Mat selected;
        cv::bitwise_and(labels, cv::Scalar(1), selected); // GC_FGD and GC_PR_FGD are odd
        selected = keepMainPieces(selected * 255, insidePoints);

        if (scale < 1.0)
            cv::resize(selected, selected, matView(picture).size(), 0, 0, cv::INTER_LINEAR);
        Image result = imageFromMat(selected);
        if (options.refineEdge) {
            Image refined;
            if (Status s = refineMaskEdge(picture, result, RefineEdgeOptions{}, refined); !s)
                return s;
            result = std::move(refined);
        } else if (scale < 1.0) {
            cv::Mat hard;
            cv::compare(matView(result), 127, hard, cv::CMP_GT);
            result = imageFromMat(hard);
        }
        mask = std::move(result);
        return Status::ok();
    } catch (const cv::Exception& e) {
        if (e.code == cv::Error::StsNoMem)
            return Status::outOfMemory("not enough memory to select an object in so large a "
                                       "picture; lower the working size");
        return Status::internal(std::string("selecting the object failed inside OpenCV: ") + e.what());
    }
}

} // namespace limner::engine::imaging
