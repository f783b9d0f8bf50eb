#include "engine/imaging/OutpaintFramePlan.h"

#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace limner::engine::imaging {

namespace {

// A frame with less known context than this makes a job invent without anything to continue.
constexpr double kMinKnownShare = 0.25;

// Positions along one side: a grid of steps plus the far end, so frames can sit flush with the
// canvas edge.
std::vector<int> positions(int canvasLength, int frameLength, int step) {
    std::vector<int> out;
    const int last = canvasLength - frameLength;
    for (int p = 0; p < last; p += step)
        out.push_back(p);
    out.push_back(std::max(0, last));
    return out;
}

double sumIn(const cv::Mat& integral, const Rect& r) {
    return integral.at<double>(r.bottom(), r.right()) - integral.at<double>(r.y, r.right()) -
           integral.at<double>(r.bottom(), r.x) + integral.at<double>(r.y, r.x);
}

Rect maskBoundsOf(const cv::Mat& binary) {
    const cv::Rect r = cv::boundingRect(binary);
    return Rect{r.x, r.y, r.width, r.height};
}

} // namespace

std::vector<Rect> planOutpaintFrames(const Image& todo, int frameWidth, int frameHeight, int overlap,
                                     int maxFrames) {
    std::vector<Rect> frames;
    if (todo.channels != 1 || todo.empty() || !todo.isConsistent() || frameWidth <= 0 ||
        frameHeight <= 0)
        return frames;
    const int fw = std::min(frameWidth, todo.width);
    const int fh = std::min(frameHeight, todo.height);
    overlap = std::clamp(overlap, 0, std::min(fw, fh) / 4);
    // The part of a frame that counts as done once it has run: inner sides are pulled back by
    // the overlap, so whichever frame continues from there sees that much of this one's result.
    const auto core = [&](const Rect& r) {
        const int l = r.x == 0 ? 0 : r.x + overlap, t = r.y == 0 ? 0 : r.y + overlap;
        const int rt = r.right() == todo.width ? todo.width : r.right() - overlap;
        const int b = r.bottom() == todo.height ? todo.height : r.bottom() - overlap;
        return Rect{l, t, rt - l, b - t};
    };

    cv::Mat remaining;
    cv::compare(matView(todo), 0, remaining, cv::CMP_NE);
    cv::Mat ones = remaining / 255;
    const double frameArea = static_cast<double>(fw) * fh;
    while (static_cast<int>(frames.size()) < maxFrames && cv::countNonZero(ones) > 0) {
        // Half-frame steps, plus frames whose core starts or ends at what is left to do.
        const Rect left = maskBoundsOf(ones);
        std::vector<int> xs = positions(todo.width, fw, std::max(8, (fw - overlap) / 2));
        std::vector<int> ys = positions(todo.height, fh, std::max(8, (fh - overlap) / 2));
        for (int x : {left.x - overlap, left.right() - fw + overlap})
            xs.push_back(std::clamp(x, 0, todo.width - fw));
        for (int y : {left.y - overlap, left.bottom() - fh + overlap})
            ys.push_back(std::clamp(y, 0, todo.height - fh));

        cv::Mat todoSum;
        cv::integral(ones, todoSum, CV_64F);
        Rect best, fallback;
        double bestCover = 0, fallbackKnown = -1;
        for (int y : ys) {
            for (int x : xs) {
                const Rect r{x, y, fw, fh};
                const double cover = sumIn(todoSum, r);
                if (cover <= 0)
                    continue;
                const Rect c = core(r);
                const double coreCover = c.empty() ? 0 : sumIn(todoSum, c);
                const double known = (frameArea - cover) / frameArea;
                if (known >= kMinKnownShare && coreCover > bestCover) {
                    bestCover = coreCover;
                    best = r;
                }
                if (known > fallbackKnown ||
                    (known == fallbackKnown && cover > sumIn(todoSum, fallback))) {
                    fallbackKnown = known;
                    fallback = r;
                }
            }
        }
        const Rect chosen = best.empty() ? fallback : best;
        if (chosen.empty())
            break;
        frames.push_back(chosen);
        const Rect c = core(chosen);
        const bool coreHelps = !c.empty() && sumIn(todoSum, c) > 0;
        ones(cvRect(coreHelps ? c : chosen)).setTo(0);
    }
    return frames;
}

bool framesCoverAll(const Image& todo, const std::vector<Rect>& frames) {
    if (todo.channels != 1 || !todo.isConsistent())
        return false;
    cv::Mat uncovered;
    cv::compare(matView(todo), 0, uncovered, cv::CMP_NE);
    for (const Rect& f : frames) {
        const Rect r = f.intersected(Rect{0, 0, todo.width, todo.height});
        if (!r.empty())
            uncovered(cvRect(r)).setTo(0);
    }
    return cv::countNonZero(uncovered) == 0;
}

} // namespace limner::engine::imaging
