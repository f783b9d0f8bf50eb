// limner-face-bench: the face-edit guard's detector (FaceDetector) on photographs: faces found
// per picture, and its hit rate on scikit-image's LFW subset (100 face crops, 100 non-face crops,
// 25 × 25 grey, shown to the detector at 100 × 100) when that file is present.
//
//   limner-face-bench [--lfw FILE.npy] [picture …]
//   (default: the shipped sample photographs, and python3-skimage's lfw_subset.npy)
#include "engine/imaging/FaceDetector.h"

#include <cstdio>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <string>
#include <vector>

using limner::engine::Image;
using limner::engine::imaging::FaceDetector;

namespace {

Image fromMat(const cv::Mat& rgb) {
    Image image(rgb.cols, rgb.rows, 3);
    for (int y = 0; y < rgb.rows; ++y)
        std::copy_n(rgb.ptr<std::uint8_t>(y), std::size_t(rgb.cols) * 3, image.row(y));
    return image;
}

// A float64 .npy array [n, h, w] in C order (what scikit-image ships), as n grey crops.
bool readNpy(const std::string& path, std::vector<cv::Mat>& crops) {
    std::ifstream in(path, std::ios::binary);
    char magic[8];
    if (!in.read(magic, 8) || std::string(magic + 1, 5) != "NUMPY")
        return false;
    unsigned char len[2];
    in.read(reinterpret_cast<char*>(len), 2);
    std::string header(std::size_t(len[0] | len[1] << 8), '\0');
    in.read(header.data(), std::streamsize(header.size()));
    const auto open = header.find("'shape': (");
    if (header.find("<f8") == std::string::npos || open == std::string::npos)
        return false;
    int n = 0, h = 0, w = 0;
    if (std::sscanf(header.c_str() + open + 10, "%d, %d, %d", &n, &h, &w) != 3 || n <= 0 || h <= 0 ||
        w <= 0 || n * h * w > 10'000'000)
        return false;
    std::vector<double> values(std::size_t(n) * h * w);
    if (!in.read(reinterpret_cast<char*>(values.data()), std::streamsize(values.size() * 8)))
        return false;
    for (int i = 0; i < n; ++i) {
        cv::Mat grey(h, w, CV_8UC1);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                grey.at<std::uint8_t>(y, x) =
                    cv::saturate_cast<std::uint8_t>(255.0 * values[(std::size_t(i) * h + y) * w + x]);
        cv::Mat big, rgb;
        cv::resize(grey, big, cv::Size(100, 100), 0, 0, cv::INTER_CUBIC);
        cv::cvtColor(big, rgb, cv::COLOR_GRAY2RGB);
        crops.push_back(rgb);
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    std::string lfw = "/usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy";
    std::vector<std::string> pictures;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--lfw" && i + 1 < argc)
            lfw = argv[++i];
        else
            pictures.push_back(arg);
    }
    if (pictures.empty())
        pictures = {LIMNER_SAMPLES_DIR "/astronaut.png", LIMNER_SAMPLES_DIR "/shapes.png",
                    LIMNER_TEST_DATA_DIR "/coffee.png", LIMNER_TEST_DATA_DIR "/chelsea.png"};
    const FaceDetector detector = FaceDetector::fromSystem();
    std::printf("detector: %s\n", detector.description().c_str());
    if (!detector.isAvailable())
        return 1;
    for (const std::string& path : pictures) {
        cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
        if (bgr.empty()) {
            std::printf("%-60s cannot be read\n", path.c_str());
            continue;
        }
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        const auto faces = detector.detect(fromMat(rgb));
        std::ostringstream boxes;
        for (const auto& f : faces)
            boxes << " [" << f.x << "," << f.y << " " << f.width << "x" << f.height << "]";
        std::printf("%-60s %zu face(s)%s\n", path.c_str(), faces.size(), boxes.str().c_str());
    }
    std::vector<cv::Mat> crops;
    if (readNpy(lfw, crops) && crops.size() == 200) {
        int hits = 0, falseHits = 0;
        for (std::size_t i = 0; i < crops.size(); ++i) {
            const bool found = !detector.detect(fromMat(crops[i])).empty();
            (i < 100 ? hits : falseHits) += found ? 1 : 0;
        }
        std::printf("LFW subset (%s): faces found in %d/100 face crops, in %d/100 non-face crops\n",
                    lfw.c_str(), hits, falseHits);
    } else {
        std::printf("LFW subset not read (%s)\n", lfw.c_str());
    }
    return 0;
}
