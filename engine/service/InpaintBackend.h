#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"
#include "engine/service/InpaintRequest.h"
#include "engine/service/StepMonitor.h"

#include <cstdint>
#include <string>

namespace limner::engine {

// The size a backend wants to work at.
struct BackendGeometry {
    int nativeWidth = 0;   // the crop is resized to this before fill() and back after it;
    int nativeHeight = 0;  //   0 = the backend takes the region at its own size
    int alignment = 1;     // the region's sides are rounded up to a multiple of this (canvas px)
    bool softMask = false; // takes a soft mask's levels as per-pixel strength (DiffusionSettings)
};

// One candidate's worth of work for a backend.
struct FillInput {
    const Image& crop;             // RGB: the region of the canvas, at the native size if any
    const Image& denoiseMask;      // 1 channel, same size: 255 = regenerate, soft edge outwards
    const InpaintRequest& request; // prompt, seed and settings of the whole job
    int candidateIndex = 0;        // 0 .. request.candidates - 1
    std::uint64_t seed = 0;        // this candidate's seed
};

// A way of filling a masked region: the classical OpenCV fills now, diffusion pipelines later.
// The service does everything around it (region planning, crop, resize to the native size and
// back, colour match, blend mask, progress bookkeeping, cancellation between candidates).
//
// Requirements: an instance is created, used and destroyed on the engine's worker thread only,
//   so it may keep a loaded model between jobs.
// Guarantees expected of fill(): it returns an RGB image the size of input.crop, calls
//   monitor.stepDone() at most stepsPerCandidate() times, checks monitor.stopRequested() before
//   every step and returns Status::cancelled() when asked to stop. It may throw only
//   std::bad_alloc; every other failure is a Status.
class InpaintBackend {
public:
    virtual ~InpaintBackend() = default;

    virtual std::string name() const = 0;  // "telea"
    virtual std::string label() const = 0; // "OpenCV Telea"
    virtual BackendGeometry geometry() const = 0;
    virtual int stepsPerCandidate(const InpaintRequest& request) const = 0;
    virtual Status fill(const FillInput& input, StepMonitor& monitor, Image& filled) = 0;
    // A generative fill may rightly put new colours in the middle of the region (a red object on
    // a blue wall); colour match then measures only where the fill meets its surroundings.
    virtual bool generative() const { return false; }
    // What the last fill() found wrong with its picture, in one line (a model's safety checker
    // flagged it); empty when nothing. Asked right after each fill().
    virtual std::string fillWarning() const { return {}; }
};

} // namespace limner::engine
