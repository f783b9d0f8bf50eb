#include "engine/service/InpaintJobRunner.h"

#include "engine/imaging/BlendMask.h"
#include "engine/imaging/CandidateBlend.h"
#include "engine/imaging/ImageOps.h"
#include "engine/imaging/OutpaintSeed.h"

#include <algorithm>
#include <utility>

namespace limner::engine {

// Maps a backend's own steps for one candidate onto the job's step counter.
class InpaintJobRunner::CandidateMonitor : public StepMonitor {
public:
    CandidateMonitor(InpaintJobRunner& runner, int firstStep, int steps)
        : m_runner(runner)
        , m_firstStep(firstStep)
        , m_steps(steps) {}

    bool stopRequested() override { return m_runner.stopRequested(); }

    void stepDone(const Image& preview) override {
        m_done = std::min(m_done + 1, m_steps);
        const Rect& region = m_runner.m_plan.region;
        Image regionPreview;
        if (!preview.empty())
            regionPreview = imaging::toRgb(imaging::resizeImage(preview, region.width, region.height));
        m_runner.advanceTo(m_firstStep + m_done, regionPreview);
    }

private:
    InpaintJobRunner& m_runner;
    int m_firstStep;
    int m_steps;
    int m_done = 0;
};

InpaintJobRunner::InpaintJobRunner(InpaintBackend& backend, Hooks hooks)
    : m_backend(backend)
    , m_hooks(std::move(hooks)) {}

int InpaintJobRunner::totalSteps(const InpaintBackend& backend, const InpaintRequest& request) {
    return 1 + request.candidates * (std::max(1, backend.stepsPerCandidate(request)) + 1);
}

imaging::RegionPlan InpaintJobRunner::planRegion(const InpaintRequest& request,
                                                 const BackendGeometry& geometry) {
    imaging::RegionPlanOptions options;
    options.contextMargin = request.composite.contextMargin;
    options.denoiseGrow = request.composite.denoiseGrow;
    options.blendFeather = request.composite.blendFeather;
    options.blendGrow = request.composite.blendGrow;
    options.nativeWidth = geometry.nativeWidth;
    options.nativeHeight = geometry.nativeHeight;
    options.alignment = geometry.alignment;
    options.softMask = request.diffusion.softMask && geometry.softMask;
    options.softCurve = request.diffusion.softCurve;
    const std::vector<Rect>& frames = request.outpaint.frames;
    return frames.empty() ? imaging::planRegion(request.mask, options)
                          : imaging::planRegionInFrame(request.mask, frames.front(), options);
}

void InpaintJobRunner::fillSize(const BackendGeometry& geometry, const Rect& region, int& width,
                                int& height) {
    const bool native = geometry.nativeWidth > 0 && geometry.nativeHeight > 0;
    width = native ? geometry.nativeWidth : region.width;
    height = native ? geometry.nativeHeight : region.height;
}

bool InpaintJobRunner::stopRequested() const {
    return m_hooks.stopRequested && m_hooks.stopRequested();
}

void InpaintJobRunner::advanceTo(int step, const Image& preview) {
    step = std::clamp(step, m_step, m_total);
    if (step == m_step && preview.empty())
        return;
    m_step = step;
    if (m_hooks.progress)
        m_hooks.progress(JobProgress{m_step, m_total, preview});
}

Status InpaintJobRunner::run(const InpaintRequest& request, InpaintResult& result) {
    m_step = 0;
    m_total = totalSteps(m_backend, request);
    if (stopRequested())
        return Status::cancelled();

    const std::vector<Rect>& frames = request.outpaint.frames;
    m_plan = planRegion(request, m_backend.geometry());
    if (m_plan.region.empty())
        return frames.empty() ? Status::badInput("the mask is empty: paint the area to regenerate")
                              : Status::badInput("the generation frame holds no masked or new pixels: "
                                                 "move it over the area to fill");
    Image crop = imaging::toRgb(imaging::cropImage(request.image, m_plan.region));
    if (!request.outpaint.unknownArea.empty()) {
        const Image unknown = imaging::cropImage(request.outpaint.unknownArea, m_plan.region);
        const Status seeded =
            imaging::seedUnknownArea(request.outpaint.seedMethod, crop, unknown, request.seed, crop);
        if (!seeded)
            return seeded;
    }
    advanceTo(1);

    result = InpaintResult{};
    result.region = m_plan.region;
    result.backend = m_backend.name();
    result.prompt = request.prompt;
    result.consentNote = request.consentNote;
    result.styles = request.styles;
    result.targetLayerId = request.targetLayerId;
    result.documentRevision = request.documentRevision;
    result.composite = request.composite;
    result.userMask = m_plan.userMask;
    result.denoiseGrow = m_plan.denoiseGrow;
    result.blendFeather = m_plan.blendFeather;
    result.blendGrow = m_plan.blendGrow;
    result.colorRingWidth = imaging::colorRingWidth(m_plan.blendFeather);

    imaging::CandidateBlendOptions blendOptions;
    blendOptions.colorMatch =
        request.composite.colorMatch ? request.composite.colorMatchMode : imaging::ColorMatchMode::Off;
    blendOptions.poisson = request.composite.poisson;
    blendOptions.matchBand = m_backend.generative() ? result.colorRingWidth : 0;
    const int stepsPerCandidate = std::max(1, m_backend.stepsPerCandidate(request));
    for (int index = 0; index < request.candidates; ++index) {
        const int firstStep = 1 + index * (stepsPerCandidate + 1);
        if (stopRequested())
            return Status::cancelled();
        Image filled, changed;
        const Status status = fillCandidate(request, index, crop, filled, changed);
        if (!status)
            return status;
        const std::string warning = m_backend.fillWarning();
        advanceTo(firstStep + stepsPerCandidate);

        if (stopRequested())
            return Status::cancelled();
        InpaintCandidate candidate;
        const imaging::CandidateBlendInput blendInput{
            filled, crop, changed, m_plan.denoiseMask, m_plan.colorRing, m_plan.blendMask};
        const Status blended = imaging::blendCandidate(blendInput, blendOptions, candidate.layer);
        if (!blended)
            return blended;
        candidate.generated = crop;
        imaging::copyWhere(filled, changed, candidate.generated);
        candidate.seed = request.seed + static_cast<std::uint64_t>(index);
        candidate.safetyWarning = warning;
        result.candidates.push_back(std::move(candidate));
        advanceTo(firstStep + stepsPerCandidate + 1);
    }
    return Status::ok();
}

Status InpaintJobRunner::fillCandidate(const InpaintRequest& request, int index, const Image& crop,
                                       Image& filled, Image& changed) {
    int width = 0, height = 0;
    fillSize(m_backend.geometry(), m_plan.region, width, height);
    const bool resize = width != crop.width || height != crop.height;
    const Image backendCrop = resize ? imaging::resizeImage(crop, width, height) : crop;
    const Image backendMask =
        resize ? imaging::resizeImage(m_plan.denoiseMask, width, height) : m_plan.denoiseMask;

    const int stepsPerCandidate = std::max(1, m_backend.stepsPerCandidate(request));
    CandidateMonitor monitor(*this, 1 + index * (stepsPerCandidate + 1), stepsPerCandidate);
    const FillInput input{backendCrop, backendMask, request, index,
                          request.seed + static_cast<std::uint64_t>(index)};
    Image output;
    const Status status = m_backend.fill(input, monitor, output);
    if (!status)
        return status;
    if (output.width != backendCrop.width || output.height != backendCrop.height)
        return Status::internal("the " + m_backend.label() +
                                " backend returned an image of the wrong size");
    output = imaging::toRgb(output);
    // Found at the backend's size: resampling to it and back must not count as a change.
    changed = imaging::changedMask(output, backendCrop, crop.width, crop.height);
    filled = resize ? imaging::resizeImage(output, crop.width, crop.height) : output;
    return Status::ok();
}

} // namespace limner::engine
