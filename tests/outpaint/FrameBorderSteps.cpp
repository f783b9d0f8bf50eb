#include "FrameBorderSteps.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <opencv2/imgproc.hpp>

namespace limner::engine::test {

namespace {

constexpr int kSegment = 16;
constexpr int kStrip = 8;

struct Line {
    bool vertical; // a vertical line between columns at - 1 and at
    int at;
    int from, to; // along the line
};

cv::Mat labOf(const Image& rgb) {
    cv::Mat bytes(rgb.height, rgb.width, CV_8UC3);
    for (int y = 0; y < rgb.height; ++y)
        std::memcpy(bytes.ptr(y), rgb.row(y), static_cast<std::size_t>(rgb.width) * 3);
    cv::Mat floats, lab;
    bytes.convertTo(floats, CV_32FC3, 1.0 / 255.0);
    cv::cvtColor(floats, lab, cv::COLOR_RGB2Lab);
    return lab;
}

bool allNew(const Image& newArea, const cv::Rect& r) {
    if (r.x < 0 || r.y < 0 || r.x + r.width > newArea.width || r.y + r.height > newArea.height)
        return false;
    for (int y = r.y; y < r.y + r.height; ++y)
        for (int x = r.x; x < r.x + r.width; ++x)
            if (newArea.pixel(x, y)[0] == 0)
                return false;
    return true;
}

void collectSteps(const cv::Mat& lab, const Image& newArea, const Line& line,
                  std::vector<double>& steps) {
    for (int s = line.from; s + kSegment <= line.to; s += kSegment) {
        const cv::Rect before = line.vertical ? cv::Rect(line.at - kStrip, s, kStrip, kSegment)
                                              : cv::Rect(s, line.at - kStrip, kSegment, kStrip);
        const cv::Rect after = line.vertical ? cv::Rect(line.at, s, kStrip, kSegment)
                                             : cv::Rect(s, line.at, kSegment, kStrip);
        if (!allNew(newArea, before) || !allNew(newArea, after))
            continue;
        const cv::Scalar a = cv::mean(lab(before)), b = cv::mean(lab(after));
        steps.push_back(std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                                  (a[2] - b[2]) * (a[2] - b[2])));
    }
}

} // namespace

StepStats stepStats(std::vector<double> steps) {
    StepStats s;
    s.segments = static_cast<int>(steps.size());
    if (steps.empty())
        return s;
    std::sort(steps.begin(), steps.end());
    double sum = 0;
    for (double v : steps)
        sum += v;
    s.mean = sum / static_cast<double>(steps.size());
    s.p95 = steps[std::min(steps.size() - 1, static_cast<std::size_t>(0.95 * steps.size()))];
    s.max = steps.back();
    return s;
}

void collectFrameBorderSteps(const Image& result, const Image& newArea, const std::vector<Rect>& frames,
                             std::vector<double>& borders, std::vector<double>& midlines) {
    const cv::Mat lab = labOf(result);
    for (const Rect& f : frames) {
        const std::array<Line, 4> sides = {
            Line{true, f.x, f.y, f.bottom()}, Line{true, f.right(), f.y, f.bottom()},
            Line{false, f.y, f.x, f.right()}, Line{false, f.bottom(), f.x, f.right()}};
        for (const Line& side : sides) {
            const int limit = side.vertical ? result.width : result.height;
            if (side.at > 0 && side.at < limit)
                collectSteps(lab, newArea, side, borders);
        }
        collectSteps(lab, newArea, Line{true, f.x + f.width / 2, f.y, f.bottom()}, midlines);
        collectSteps(lab, newArea, Line{false, f.y + f.height / 2, f.x, f.right()}, midlines);
    }
}

FrameBorderSteps measureFrameBorderSteps(const Image& result, const Image& newArea,
                                         const std::vector<Rect>& frames) {
    std::vector<double> borders, midlines;
    collectFrameBorderSteps(result, newArea, frames, borders, midlines);
    return FrameBorderSteps{stepStats(std::move(borders)), stepStats(std::move(midlines))};
}

} // namespace limner::engine::test
