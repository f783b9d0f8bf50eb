#pragma once

#include "engine/core/Status.h"
#include "engine/service/InpaintBackend.h"
#include "engine/service/InpaintJobRunner.h"
#include "engine/service/InpaintRequest.h"

namespace limner::engine {

// Runs a request whose outpaint settings hold several frames (a plan from
// imaging::planOutpaintFrames): for each candidate, the frames run in order through
// InpaintJobRunner, each on the picture as the frames before it left it, so every frame
// continues what is already there. Each candidate is one layer over the union of the frames
// that, composited over the request's image, gives the plan's result.
//
// Steps: candidates × frames × InpaintJobRunner::totalSteps() of a one-candidate frame job;
// progress never decreases and counts the whole plan. A frame left with nothing to do (the
// frames before it covered its part) counts its steps at once.
//
// Requirements: runs on the engine's worker thread; the hooks are called on it.
// Guarantees: checks stopRequested before every step of every frame and returns
//   Status::cancelled() when set, with no partial result; may throw std::bad_alloc, every
//   other failure is a Status.
class OutpaintPlanRunner {
public:
    OutpaintPlanRunner(InpaintBackend& backend, InpaintJobRunner::Hooks hooks);

    static int totalSteps(const InpaintBackend& backend, const InpaintRequest& request);
    Status run(const InpaintRequest& request, InpaintResult& result);

private:
    Status runCandidate(const InpaintRequest& request, int index, InpaintResult& result);

    InpaintBackend& m_backend;
    InpaintJobRunner::Hooks m_hooks;
    int m_stepsDone = 0;
    int m_total = 1;
};

} // namespace limner::engine
