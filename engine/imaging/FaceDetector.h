#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

#include <memory>
#include <string>
#include <vector>

namespace limner::engine::imaging {

// Finds human faces in a picture with OpenCV's cascade classifiers: the frontal (Haar) and
// profile (LBP) cascades that Debian's opencv-data installs under /usr/share/opencv4 (or the
// folder LIMNER_FACE_CASCADES names). Used by the face-edit guard before a generative job.
//
// Requirements: detect() may be called from any thread; one detector is not shared by
// threads at once (cv::CascadeClassifier keeps scratch state).
// Guarantees: never throws; a detector without cascades finds nothing and says so through
// isAvailable() and description().
class FaceDetector {
public:
    FaceDetector();
    ~FaceDetector();
    FaceDetector(FaceDetector&&) noexcept;
    FaceDetector& operator=(FaceDetector&&) noexcept;

    // The cascades found in `folder` (its haarcascades/ and lbpcascades/), else in the usual
    // places.
    static FaceDetector fromFolder(const std::string& folder);
    static FaceDetector fromSystem();

    bool isAvailable() const;
    // "OpenCV Haar frontal + LBP profile cascades (/usr/share/opencv4)" or why there is none.
    const std::string& description() const;

    // Face boxes in image pixels (RGB, RGBA or grey), largest first.
    std::vector<Rect> detect(const Image& image) const;

    // Whether the pixels in `box` look photographic rather than drawn: many distinct colours
    // and smooth shading (a flat illustration or a cartoon has few).
    static bool looksPhotographic(const Image& image, const Rect& box);

private:
    struct Cascades;
    std::unique_ptr<Cascades> m_cascades;
    std::string m_description;
};

} // namespace limner::engine::imaging
