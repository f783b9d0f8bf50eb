#pragma once

#include "engine/core/Status.h"
#include "engine/imaging/RegionPlan.h"
#include "engine/service/InpaintBackend.h"
#include "engine/service/InpaintRequest.h"

#include <functional>

namespace limner::engine {

// Runs one validated request through a backend along the compositing path of DESIGN.md:
// plan the region (or take the request's one generation frame), seed the area where the canvas
// grew, then for each candidate crop, fill, colour-match and blend. Plans of several frames
// are OutpaintPlanRunner's.
//
// Steps: 1 (plan) + candidates × (backend steps + 1 blend). Progress is reported after the
// plan, after every backend step and after every blend, never decreasing, ending at the total
// when the job succeeds.
//
// Requirements: runs on the engine's worker thread; the hooks are called on it.
// Guarantees: checks stopRequested before every step and returns Status::cancelled() when set;
//   may throw std::bad_alloc, every other failure is a Status.
class InpaintJobRunner {
public:
    struct Hooks {
        std::function<bool()> stopRequested;
        std::function<void(const JobProgress&)> progress;
    };

    InpaintJobRunner(InpaintBackend& backend, Hooks hooks);

    static int totalSteps(const InpaintBackend& backend, const InpaintRequest& request);
    // The region a request's job works on (the mask's, or inside its one generation frame) and
    // the masks it makes there, for a backend of this geometry; an empty region when none.
    static imaging::RegionPlan planRegion(const InpaintRequest& request,
                                          const BackendGeometry& geometry);
    // The size the backend's fill() sees for a region: its native size when it has one (the
    // crop is resized to it and back), else the region's own.
    static void fillSize(const BackendGeometry& geometry, const Rect& region, int& width, int& height);
    Status run(const InpaintRequest& request, InpaintResult& result);

private:
    class CandidateMonitor;

    bool stopRequested() const;
    void advanceTo(int step, const Image& preview = {});
    Status fillCandidate(const InpaintRequest& request, int index, const Image& crop, Image& filled,
                         Image& changed);

    InpaintBackend& m_backend;
    Hooks m_hooks;
    imaging::RegionPlan m_plan;
    int m_step = 0;
    int m_total = 1;
};

} // namespace limner::engine
