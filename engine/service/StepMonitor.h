#pragma once

#include "engine/core/Image.h"

namespace limner::engine {

// What a backend sees of its job while it fills: whether to stop, and where to report each
// step done.
//
// Requirements: used only on the engine's worker thread, during InpaintBackend::fill().
class StepMonitor {
public:
    virtual ~StepMonitor() = default;

    // True once the job has been cancelled. A backend asks before every step and, when true,
    // returns Status::cancelled() without doing the step.
    virtual bool stopRequested() = 0;

    // One of the backend's stepsPerCandidate() steps is done. preview (optional, RGB, at the
    // size of the crop the backend received) shows the candidate so far.
    virtual void stepDone(const Image& preview = {}) = 0;
};

} // namespace limner::engine
