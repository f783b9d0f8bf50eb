// The seam check (engine/imaging/SeamCheck) on 20 fills of real photographs, for judging it by
// eye: a contact sheet (each tile numbered, the fill's crop at 1:1) and a table of what the
// check measured and decided. Four photographs × five fills: Telea and FSR (the classical
// fills), a "drift" fill (true content, shifted in tone and softened, as a model's fill) with
// Limner's blending and without colour match and feather, and "elsewhere" (texture from another
// part of the photograph) with a hard edge.
//
//   limner-seam-check-sheet [--blind] [--second-set] [OUT.png]
//       --second-set puts the hole elsewhere (another 20 fills, for a fresh judgement);
//       default seam-check-sheet.png; prints a Markdown table. --blind numbers the tiles without
//       the check's verdict and prints the table to OUT.png.txt instead, for judging first.

#include "engine/imaging/CandidateBlend.h"
#include "engine/imaging/ClassicalFill.h"
#include "engine/imaging/ImageOps.h"
#include "engine/imaging/OpenCvBridge.h"
#include "engine/imaging/RegionPlan.h"
#include "engine/imaging/SeamCheck.h"

#include <cstdio>
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

Image disc(int w, int h, int cx, int cy, int r) {
    cv::Mat m = cv::Mat::zeros(h, w, CV_8U);
    cv::circle(m, {cx, cy}, r, 255, cv::FILLED);
    return imageFromMat(m);
}

Image drift(const Image& photo) {
    cv::Mat out;
    cv::GaussianBlur(matView(photo), out, cv::Size(), 1.2);
    cv::add(out, cv::Scalar(18, -10, 12), out);
    return imageFromMat(out);
}

Image elsewhere(const Image& photo) {
    cv::Mat flipped;
    cv::flip(matView(photo), flipped, -1);
    return imageFromMat(flipped);
}

struct Fill {
    const char* name;
    int kind; // 0 telea, 1 fsr, 2 drift blended, 3 drift raw, 4 elsewhere raw
};

} // namespace

int main(int argc, char** argv) {
    bool blind = false, second = false;
    std::string out = "seam-check-sheet.png";
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--blind")
            blind = true;
        else if (std::string(argv[i]) == "--second-set")
            second = true;
        else
            out = argv[i];
    }
    if (blind && !std::freopen((out + ".txt").c_str(), "w", stdout)) {
        std::fprintf(stderr, "cannot write %s.txt\n", out.c_str());
        return 1;
    }
    const std::vector<std::string> photos{
        LIMNER_TEST_DATA_DIR "/coffee.png", LIMNER_TEST_DATA_DIR "/chelsea.png",
        LIMNER_SAMPLES_DIR "/astronaut.png", LIMNER_SAMPLES_DIR "/shapes.png"};
    const std::vector<Fill> fills{{"telea", 0},
                                  {"fsr", 1},
                                  {"drift, Limner blend", 2},
                                  {"drift, no match or feather", 3},
                                  {"elsewhere, hard edge", 4}};
    constexpr int kTile = 200;
    cv::Mat sheet(4 * (kTile + 24), 5 * kTile, CV_8UC3, cv::Scalar(40, 40, 40));
    std::printf("| # | photograph | fill | colour step ΔE | edge ratio | texture | ΔE outside mask | "
                "verdict |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    int index = 0;
    for (std::size_t p = 0; p < photos.size(); ++p) {
        const Image photo = loadRgb(photos[p]);
        if (photo.empty()) {
            std::fprintf(stderr, "cannot read %s\n", photos[p].c_str());
            return 1;
        }
        const Image mask = second ? disc(photo.width, photo.height, photo.width * 3 / 5,
                                         photo.height * 2 / 5, std::min(photo.width, photo.height) / 8)
                                  : disc(photo.width, photo.height, photo.width * 2 / 5,
                                         photo.height / 2, std::min(photo.width, photo.height) / 10);
        RegionPlanOptions options;
        options.blendFeather = -1;
        for (std::size_t f = 0; f < fills.size(); ++f, ++index) {
            const Fill& fill = fills[f];
            const bool raw = fill.kind >= 3;
            if (raw) {
                options.blendFeather = 0;
                options.blendGrow = 0;
            } else {
                options.blendFeather = -1;
                options.blendGrow = -1;
            }
            const RegionPlan plan = planRegion(mask, options);
            const Image crop = cropImage(photo, plan.region);
            Image filled = crop;
            if (fill.kind <= 1) {
                (void)classicalFill(fill.kind == 0 ? ClassicalFillMethod::Telea
                                                   : ClassicalFillMethod::Fsr,
                                    crop, plan.denoiseMask, 0, filled);
            } else {
                const Image source = fill.kind == 4 ? elsewhere(photo) : drift(photo);
                copyWhere(cropImage(source, plan.region), plan.denoiseMask, filled);
            }
            const Image changed = changedMask(filled, crop, crop.width, crop.height);
            Image layer;
            const CandidateBlendInput input{filled,           crop,           changed,
                                            plan.denoiseMask, plan.colorRing, plan.blendMask};
            CandidateBlendOptions blend;
            blend.colorMatch = raw ? ColorMatchMode::Off : ColorMatchMode::Statistics;
            if (!blendCandidate(input, blend, layer)) {
                std::fprintf(stderr, "blend failed\n");
                return 1;
            }
            SeamReport report;
            if (!checkSeam(crop, layer, plan.userMask, {}, report)) {
                std::fprintf(stderr, "seam check failed\n");
                return 1;
            }
            std::printf("| %d | %s | %s | %.1f | %.2f | %.2f | %.1f | %s |\n", index + 1,
                        photos[p].substr(photos[p].find_last_of('/') + 1).c_str(), fill.name,
                        report.colorStep, report.edgeRatio, report.textureRatio, report.changeOutside,
                        report.visible ? "visible" : "pass");
            // The tile: the composite around the fill, 1:1, centred.
            cv::Mat composite = matView(crop).clone();
            const cv::Mat l = matView(layer);
            for (int y = 0; y < composite.rows; ++y)
                for (int x = 0; x < composite.cols; ++x) {
                    const cv::Vec4b v = l.at<cv::Vec4b>(y, x);
                    cv::Vec3b& c = composite.at<cv::Vec3b>(y, x);
                    for (int k = 0; k < 3; ++k)
                        c[k] = static_cast<uchar>((v[k] * v[3] + c[k] * (255 - v[3])) / 255);
                }
            const int cx = composite.cols / 2, cy = composite.rows / 2;
            const cv::Rect window = cv::Rect(cx - kTile / 2, cy - kTile / 2, kTile, kTile) &
                                    cv::Rect(0, 0, composite.cols, composite.rows);
            cv::Mat bgr;
            cv::cvtColor(composite(window), bgr, cv::COLOR_RGB2BGR);
            const int col = static_cast<int>(f), row = static_cast<int>(p);
            bgr.copyTo(sheet(cv::Rect(col * kTile, row * (kTile + 24) + 24, bgr.cols, bgr.rows)));
            const std::string label = std::to_string(index + 1) + (blind            ? ""
                                                                   : report.visible ? " visible"
                                                                                    : " pass");
            const cv::Scalar colour = blind            ? cv::Scalar(230, 230, 230)
                                      : report.visible ? cv::Scalar(80, 80, 255)
                                                       : cv::Scalar(120, 230, 120);
            cv::putText(sheet, label, {col * kTile + 4, row * (kTile + 24) + 17},
                        cv::FONT_HERSHEY_SIMPLEX, 0.5, colour, 1);
        }
    }
    cv::imwrite(out, sheet);
    std::printf("\ncontact sheet: %s\n", out.c_str());
    return 0;
}
