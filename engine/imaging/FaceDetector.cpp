#include "engine/imaging/FaceDetector.h"

#include "engine/imaging/OpenCvBridge.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <unordered_set>

namespace limner::engine::imaging {

namespace {

constexpr int kLongestSide = 1024; // pictures are searched at most this large (faster, same hits)

bool fileExists(const std::string& path) {
    return std::ifstream(path).good();
}

std::vector<std::string> searchFolders(const std::string& preferred) {
    std::vector<std::string> folders;
    if (!preferred.empty())
        folders.push_back(preferred);
    if (const char* env = std::getenv("LIMNER_FACE_CASCADES"); env && *env)
        folders.emplace_back(env);
    folders.emplace_back("/usr/share/opencv4");
    folders.emplace_back("/usr/local/share/opencv4");
    folders.emplace_back("/usr/share/opencv");
    return folders;
}

double overlap(const cv::Rect& a, const cv::Rect& b) {
    const double shared = (a & b).area();
    return shared / std::min(a.area(), b.area());
}

} // namespace

struct FaceDetector::Cascades {
    cv::CascadeClassifier frontal;
    cv::CascadeClassifier profile;
};

FaceDetector::FaceDetector()
    : m_description("no face detector loaded") {}
FaceDetector::~FaceDetector() = default;
FaceDetector::FaceDetector(FaceDetector&&) noexcept = default;
FaceDetector& FaceDetector::operator=(FaceDetector&&) noexcept = default;

FaceDetector FaceDetector::fromFolder(const std::string& folder) {
    FaceDetector detector;
    for (const std::string& base : searchFolders(folder)) {
        const std::string frontal = base + "/haarcascades/haarcascade_frontalface_alt2.xml";
        const std::string profile = base + "/lbpcascades/lbpcascade_profileface.xml";
        if (!fileExists(frontal))
            continue;
        auto cascades = std::make_unique<Cascades>();
        try {
            if (!cascades->frontal.load(frontal))
                continue;
            if (fileExists(profile))
                cascades->profile.load(profile);
        } catch (const cv::Exception&) {
            continue;
        }
        detector.m_description = std::string("OpenCV Haar frontal") +
                                 (cascades->profile.empty() ? "" : " + LBP profile") + " cascades (" +
                                 base + ")";
        detector.m_cascades = std::move(cascades);
        return detector;
    }
    detector.m_description = "no face detector: OpenCV's cascades were not found (install the "
                             "opencv-data package)";
    return detector;
}

FaceDetector FaceDetector::fromSystem() {
    return fromFolder({});
}

bool FaceDetector::isAvailable() const {
    return m_cascades != nullptr;
}

const std::string& FaceDetector::description() const {
    return m_description;
}

std::vector<Rect> FaceDetector::detect(const Image& image) const {
    if (!m_cascades || image.empty() || (image.channels != 1 && image.channels < 3))
        return {};
    try {
        const cv::Mat source = matView(image);
        cv::Mat grey;
        if (image.channels == 1)
            grey = source.clone();
        else
            cv::cvtColor(source, grey, image.channels == 4 ? cv::COLOR_RGBA2GRAY : cv::COLOR_RGB2GRAY);
        const double scale = std::min(1.0, double(kLongestSide) / std::max(image.width, image.height));
        if (scale < 1.0)
            cv::resize(grey, grey, cv::Size(), scale, scale, cv::INTER_AREA);
        cv::equalizeHist(grey, grey);
        const int smallest = std::max(20, std::min(grey.cols, grey.rows) / 30);
        const cv::Size minSize(smallest, smallest);

        std::vector<cv::Rect> found;
        m_cascades->frontal.detectMultiScale(grey, found, 1.1, 4, 0, minSize);
        if (!m_cascades->profile.empty()) {
            std::vector<cv::Rect> side;
            m_cascades->profile.detectMultiScale(grey, side, 1.1, 5, 0, minSize);
            found.insert(found.end(), side.begin(), side.end());
            // The profile cascade looks one way; faces turned the other way show in the mirror.
            cv::Mat mirrored;
            cv::flip(grey, mirrored, 1);
            side.clear();
            m_cascades->profile.detectMultiScale(mirrored, side, 1.1, 5, 0, minSize);
            for (cv::Rect r : side) {
                r.x = grey.cols - r.x - r.width;
                found.push_back(r);
            }
        }
        std::sort(found.begin(), found.end(),
                  [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
        std::vector<cv::Rect> kept;
        for (const cv::Rect& r : found) {
            const bool duplicate = std::any_of(kept.begin(), kept.end(),
                                               [&](const cv::Rect& k) { return overlap(k, r) > 0.5; });
            if (!duplicate)
                kept.push_back(r);
        }
        std::vector<Rect> faces;
        for (const cv::Rect& r : kept) {
            const Rect box{int(r.x / scale), int(r.y / scale), int(std::ceil(r.width / scale)),
                           int(std::ceil(r.height / scale))};
            faces.push_back(box.intersected(Rect{0, 0, image.width, image.height}));
        }
        return faces;
    } catch (const cv::Exception&) {
        return {};
    }
}

bool FaceDetector::looksPhotographic(const Image& image, const Rect& box) {
    const Rect inside = box.intersected(Rect{0, 0, image.width, image.height});
    if (inside.empty() || image.channels < 3)
        return image.channels == 1 && !inside.empty(); // a grey photograph is still one
    // Colours at 5 bits a channel: a face in a photograph has hundreds, a cartoon a few dozen.
    std::unordered_set<int> colours;
    const int step = std::max(1, std::min(inside.width, inside.height) / 96);
    for (int y = inside.y; y < inside.bottom(); y += step) {
        const std::uint8_t* row = image.bytes.data() + std::size_t(y) * image.stride();
        for (int x = inside.x; x < inside.right(); x += step) {
            const std::uint8_t* p = row + std::size_t(x) * image.channels;
            colours.insert((p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3));
        }
    }
    return colours.size() >= 200;
}

} // namespace limner::engine::imaging
