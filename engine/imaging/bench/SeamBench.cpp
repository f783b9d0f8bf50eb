// Seam score of naive paste versus Limner's blending, over real photographs with synthetic
// masks and outpaint borders, and the time to composite a 1024² result into a 4096² picture.
//
//   limner-seam-bench            prints both tables (Markdown)
//
// The fills stand in for a generative model: "drift" is the true content with the tone a model
// typically gets slightly wrong (a colour shift) and softened (as after a VAE round trip);
// "elsewhere" is plausible texture from another part of the photograph, shifted in tone too.
// Naive paste copies the fill under the mask; Limner's path is the engine's own: planRegion()
// for the denoise and blend masks, then blendCandidate() (colour match, optional Poisson) and
// compositeOver().

#include "engine/imaging/CandidateBlend.h"
#include "engine/imaging/Composite.h"
#include "engine/imaging/ImageOps.h"
#include "engine/imaging/OpenCvBridge.h"
#include "engine/imaging/RegionPlan.h"
#include "engine/imaging/bench/SeamScore.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

using namespace limner::engine;
using namespace limner::engine::imaging;

namespace {

Image loadRgb(const std::string& path) {
    cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty())
        return {};
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return imageFromMat(rgb);
}

Image shifted(const cv::Mat& rgb, double blurSigma) {
    cv::Mat out;
    if (blurSigma > 0)
        cv::GaussianBlur(rgb, out, cv::Size(), blurSigma);
    else
        out = rgb.clone();
    cv::add(out, cv::Scalar(18, -10, 12), out); // saturating
    return imageFromMat(out);
}

Image driftFill(const Image& photo) {
    return shifted(matView(photo), 1.2);
}

Image elsewhereFill(const Image& photo) {
    cv::Mat flipped;
    cv::flip(matView(photo), flipped, -1);
    return shifted(flipped, 0);
}

struct MaskCase {
    std::string name;
    std::function<Image(int, int)> make;
};

Image drawn(int w, int h, const std::function<void(cv::Mat&)>& draw) {
    cv::Mat m = cv::Mat::zeros(h, w, CV_8U);
    draw(m);
    return imageFromMat(m);
}

std::vector<MaskCase> maskCases() {
    return {
        {"disc",
         [](int w, int h) {
             return drawn(w, h, [&](cv::Mat& m) {
                 cv::circle(m, {w * 2 / 5, h / 2}, std::min(w, h) / 6, 255, cv::FILLED);
             });
         }},
        {"rectangle",
         [](int w, int h) {
             return drawn(w, h, [&](cv::Mat& m) {
                 cv::rectangle(m, cv::Rect(w / 2, h / 4, w / 4, h / 3), 255, cv::FILLED);
             });
         }},
        {"stroke",
         [](int w, int h) {
             return drawn(w, h, [&](cv::Mat& m) {
                 const std::vector<cv::Point> pts{
                     {w / 6, h / 3}, {w / 3, h / 2}, {w / 2, h / 3}, {w * 3 / 4, h * 2 / 3}};
                 cv::polylines(m, pts, false, 255, std::max(8, std::min(w, h) / 20), cv::LINE_8);
             });
         }},
        {"outpaint right",
         [](int w, int h) {
             return drawn(w, h, [&](cv::Mat& m) { m(cv::Rect(w - w / 5, 0, w / 5, h)).setTo(255); });
         }},
        {"outpaint bottom",
         [](int w, int h) {
             return drawn(w, h, [&](cv::Mat& m) { m(cv::Rect(0, h - h / 5, w, h / 5)).setTo(255); });
         }},
        {"outpaint left+top",
         [](int w, int h) {
             return drawn(w, h, [&](cv::Mat& m) {
                 m(cv::Rect(0, 0, w / 6, h)).setTo(255);
                 m(cv::Rect(0, 0, w, h / 6)).setTo(255);
             });
         }},
    };
}

Image naivePaste(const Image& photo, const Image& fill, const Image& mask) {
    Image out = photo;
    copyWhere(fill, mask, out);
    return out;
}

struct LimnerResult {
    Image composite;
    int reach = 0; // grow + feather: how far past the mask the blend reaches
};

LimnerResult limnerBlend(const Image& photo, const Image& fill, const Image& mask, ColorMatchMode mode,
                         bool poisson) {
    const RegionPlan plan = planRegion(mask, {});
    const Image crop = cropImage(photo, plan.region);
    // What a backend returns: new content where it owned the pixels (the denoise mask).
    Image filled = crop;
    copyWhere(cropImage(fill, plan.region), plan.denoiseMask, filled);
    const Image changed = changedMask(filled, crop, crop.width, crop.height);
    Image layer;
    const CandidateBlendInput input{filled,           crop,           changed,
                                    plan.denoiseMask, plan.colorRing, plan.blendMask};
    const Status status = blendCandidate(input, CandidateBlendOptions{mode, poisson}, layer);
    LimnerResult r;
    if (!status) {
        std::fprintf(stderr, "blend failed: %s\n", status.message().c_str());
        r.composite = photo;
        return r;
    }
    r.composite = compositeOver(photo, layer, plan.region.x, plan.region.y);
    r.reach = plan.blendGrow + plan.blendFeather;
    return r;
}

template <typename F>
double medianMs(int runs, F&& work) {
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

void seamTable() {
    const std::vector<std::pair<std::string, std::string>> photos{
        {"astronaut", LIMNER_SAMPLES_DIR "/astronaut.png"},
        {"coffee", LIMNER_TEST_DATA_DIR "/coffee.png"},
        {"chelsea", LIMNER_TEST_DATA_DIR "/chelsea.png"}};
    const std::vector<std::pair<std::string, std::function<Image(const Image&)>>> fills{
        {"drift", driftFill}, {"elsewhere", elsewhereFill}};
    std::printf("## Seam score (mean |∇| on the blend boundary ÷ the photo's mean |∇|; lower is "
                "better, ~1 = no visible seam)\n\n");
    std::printf("| photo | mask | fill | naive paste | Limner (stats) | Limner (histogram) | Limner + "
                "Poisson |\n");
    std::printf("|---|---|---|---:|---:|---:|---:|\n");
    double sums[4] = {0, 0, 0, 0};
    int count = 0, wins = 0;
    for (const auto& [photoName, path] : photos) {
        const Image photo = loadRgb(path);
        if (photo.empty()) {
            std::fprintf(stderr, "cannot read %s\n", path.c_str());
            continue;
        }
        for (const MaskCase& maskCase : maskCases()) {
            const Image mask = maskCase.make(photo.width, photo.height);
            for (const auto& [fillName, makeFill] : fills) {
                const Image fill = makeFill(photo);
                const LimnerResult stats =
                    limnerBlend(photo, fill, mask, ColorMatchMode::Statistics, false);
                const LimnerResult hist =
                    limnerBlend(photo, fill, mask, ColorMatchMode::Histogram, false);
                const LimnerResult poisson =
                    limnerBlend(photo, fill, mask, ColorMatchMode::Statistics, true);
                // One band for every method: the whole of Limner's transition, both sides.
                const Image band = bench::boundaryBand(mask, std::max(2, stats.reach + 1));
                const double scores[4] = {bench::seamScore(naivePaste(photo, fill, mask), photo, band),
                                          bench::seamScore(stats.composite, photo, band),
                                          bench::seamScore(hist.composite, photo, band),
                                          bench::seamScore(poisson.composite, photo, band)};
                std::printf("| %s | %s | %s | %.2f | %.2f | %.2f | %.2f |\n", photoName.c_str(),
                            maskCase.name.c_str(), fillName.c_str(), scores[0], scores[1], scores[2],
                            scores[3]);
                for (int i = 0; i < 4; ++i)
                    sums[i] += scores[i];
                wins += scores[1] < scores[0];
                ++count;
            }
        }
    }
    if (count > 0)
        std::printf(
            "| **mean** | | | **%.2f** | **%.2f** | **%.2f** | **%.2f** |\n\nLimner (stats) below "
            "naive paste in %d of %d cases.\n\n",
            sums[0] / count, sums[1] / count, sums[2] / count, sums[3] / count, wins, count);
}

void timingTable() {
    const Image photo = loadRgb(LIMNER_SAMPLES_DIR "/astronaut.png");
    const Image base = photo.empty() ? Image(4096, 4096, 3, 128) : resizeImage(photo, 4096, 4096);
    Image layer(1024, 1024, 4);
    cv::Mat layerMat = matView(layer);
    cv::randu(layerMat, cv::Scalar::all(0), cv::Scalar::all(256));
    const double compositeMs = medianMs(5, [&] { (void)compositeOver(base, layer, 1500, 1400); });
    Image canvas = base;
    const double inPlaceMs = medianMs(5, [&] { compositeOverInPlace(canvas, layer, 1500, 1400); });

    // The whole path after the fill for a mask whose region is 1024² on a 4096² canvas.
    Image mask(4096, 4096, 1);
    cv::Mat maskMat = matView(mask);
    cv::circle(maskMat, {2000, 1900}, 300, 255, cv::FILLED);
    const Image fill = driftFill(base);
    RegionPlan plan;
    const double planMs = medianMs(3, [&] { plan = planRegion(mask, {}); });
    const double blendMs = medianMs(3, [&] {
        const Image crop = cropImage(base, plan.region);
        Image filled = crop;
        copyWhere(cropImage(fill, plan.region), plan.denoiseMask, filled);
        const Image changed = changedMask(filled, crop, crop.width, crop.height);
        Image out;
        const CandidateBlendInput input{filled,           crop,           changed,
                                        plan.denoiseMask, plan.colorRing, plan.blendMask};
        (void)blendCandidate(input, {}, out);
        compositeOverInPlace(canvas, out, plan.region.x, plan.region.y);
    });
    std::printf("## Compositing time (median, this machine)\n\n| step | size | ms |\n|---|---|---:|\n");
    std::printf(
        "| compositeOver (copy of the canvas + source-over) | 1024² RGBA into 4096² RGB | %.1f |\n",
        compositeMs);
    std::printf("| compositeOverInPlace (source-over only) | 1024² RGBA into 4096² RGB | %.1f |\n",
                inPlaceMs);
    std::printf("| planRegion (masks, ring) | disc r=300 on 4096², region %d×%d | %.1f |\n",
                plan.region.width, plan.region.height, planMs);
    std::printf("| blend (colour match + alpha) + composite | region %d×%d into 4096² | %.1f |\n",
                plan.region.width, plan.region.height, blendMs);
}

} // namespace

int main() {
    seamTable();
    timingTable();
    return 0;
}
