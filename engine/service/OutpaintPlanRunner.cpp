#include "engine/service/OutpaintPlanRunner.h"

#include "engine/imaging/Composite.h"
#include "engine/imaging/ImageOps.h"
#include "engine/imaging/MaskOps.h"
#include "engine/imaging/SeamTone.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace limner::engine {

namespace {

// How much of the neighbouring frames' results a frame regenerates and blends across.
int seamBand(const Rect& frame) {
    return std::max(8, std::min(frame.width, frame.height) / 6);
}

InpaintRequest frameRequest(const InpaintRequest& request, const Image& image, const Image& todo,
                            const Image& unknown, const Rect& frame, std::uint64_t seed) {
    InpaintRequest sub;
    sub.image = image;
    sub.mask = todo;
    sub.backend = request.backend;
    sub.prompt = request.prompt;
    sub.negativePrompt = request.negativePrompt;
    sub.seed = seed;
    sub.candidates = 1;
    sub.composite = request.composite;
    // Unless the user chose a feather, a frame fades into what the frames before it made over
    // half the band it regenerates: a seam between two fills of their own is wider than one
    // between a fill and the picture.
    if (sub.composite.blendFeather < 0)
        sub.composite.blendFeather = seamBand(frame) / 2;
    sub.outpaint.unknownArea = unknown;
    sub.outpaint.seedMethod = request.outpaint.seedMethod;
    sub.outpaint.frames = {frame};
    return sub;
}

// What a frame regenerates: what is left to do inside it, plus a band of what the frames before
// it generated next to that, so the seam between two frames lies inside this frame's fill
// rather than on the edge of its blend mask.
Image frameMask(const Image& todo, const Image& generated, const Rect& frame) {
    const int band = seamBand(frame);
    Image inFrame(todo.width, todo.height, 1);
    const Rect r = frame.intersected(Rect{0, 0, todo.width, todo.height});
    for (int y = r.y; y < r.bottom(); ++y)
        std::copy_n(todo.pixel(r.x, y), r.width, inFrame.pixel(r.x, y));
    const Image near = imaging::growMask(inFrame, band);
    Image mask = todo;
    for (std::size_t i = 0; i < mask.bytes.size(); ++i)
        if (generated.bytes[i] != 0 && near.bytes[i] != 0)
            mask.bytes[i] = 255;
    return mask;
}

// How many of the plan's frames cover each pixel: a frame may leave the pixels near its inner
// sides to a frame that covers them later.
std::vector<std::uint16_t> frameCounts(const std::vector<Rect>& frames, int width, int height) {
    std::vector<std::uint16_t> counts(static_cast<std::size_t>(width) * height, 0);
    for (const Rect& f : frames) {
        const Rect c = f.intersected(Rect{0, 0, width, height});
        for (int y = c.y; y < c.bottom(); ++y)
            for (int x = c.x; x < c.right(); ++x)
                ++counts[static_cast<std::size_t>(y) * width + x];
    }
    return counts;
}

// A frame's weight at (x, y): 1 inside, falling to 0 over fade px towards the frame's inner sides
// (those not on the canvas edge). A frame's fill ends at its sides, so where its blend reaches a
// side, the pixels beyond keep what was there before: without the fade that is a hard edge.
double innerSideWeight(const Rect& frame, int width, int height, int fade, int x, int y) {
    int distance = fade;
    if (frame.x > 0)
        distance = std::min(distance, x - frame.x);
    if (frame.y > 0)
        distance = std::min(distance, y - frame.y);
    if (frame.right() < width)
        distance = std::min(distance, frame.right() - 1 - x);
    if (frame.bottom() < height)
        distance = std::min(distance, frame.bottom() - 1 - y);
    return distance >= fade ? 1.0 : (distance + 0.5) / fade;
}

// Fades a frame's layer out towards the frame's inner sides wherever the pixels there are
// already known or a later frame covers them, so no frame ends in a hard edge.
void fadeAtInnerSides(Image& layer, const Rect& region, const Rect& frame, const Image& todo,
                      const std::vector<std::uint16_t>& laterFrames) {
    const int fade = seamBand(frame) / 2;
    for (int y = 0; y < region.height; ++y) {
        for (int x = 0; x < region.width; ++x) {
            const int cx = region.x + x, cy = region.y + y;
            std::uint8_t& alpha = layer.pixel(x, y)[3];
            if (alpha == 0)
                continue;
            // A pixel still to do keeps its full alpha unless a later frame will cover it.
            if (todo.pixel(cx, cy)[0] != 0 &&
                laterFrames[static_cast<std::size_t>(cy) * todo.width + cx] == 0)
                continue;
            const double weight = innerSideWeight(frame, todo.width, todo.height, fade, cx, cy);
            if (weight < 1.0)
                alpha = static_cast<std::uint8_t>(std::lround(alpha * weight));
        }
    }
}

// Pixels whose value is final for the frames still to run: the picture and what they generated.
Image finalPixels(const Image& todo) {
    Image out(todo.width, todo.height, 1);
    for (std::size_t i = 0; i < todo.bytes.size(); ++i)
        out.bytes[i] = todo.bytes[i] == 0 ? 255 : 0;
    return out;
}

Rect unionOf(const std::vector<Rect>& frames, int width, int height) {
    int l = width, t = height, r = 0, b = 0;
    for (const Rect& f : frames) {
        const Rect c = f.intersected(Rect{0, 0, width, height});
        if (c.empty())
            continue;
        l = std::min(l, c.x);
        t = std::min(t, c.y);
        r = std::max(r, c.right());
        b = std::max(b, c.bottom());
    }
    return r > l && b > t ? Rect{l, t, r - l, b - t} : Rect{};
}

// The layer that, composited over original, gives result: alpha is the frames' combined
// coverage, colour solves source-over for it.
Image layerFor(const Image& original, const Image& result, const Image& coverage, const Rect& region) {
    Image layer(region.width, region.height, 4);
    for (int y = 0; y < region.height; ++y) {
        for (int x = 0; x < region.width; ++x) {
            const std::uint8_t* o = original.pixel(region.x + x, region.y + y);
            const std::uint8_t* w = result.pixel(region.x + x, region.y + y);
            const int a = coverage.pixel(region.x + x, region.y + y)[0];
            std::uint8_t* px = layer.pixel(x, y);
            px[3] = static_cast<std::uint8_t>(a);
            if (a == 0)
                continue;
            const bool noPicture = original.channels == 4 && o[3] == 0;
            for (int c = 0; c < 3; ++c) {
                if (a == 255 || noPicture) {
                    px[c] = w[c];
                    continue;
                }
                // Signed on purpose: where the plan darkened the picture the numerator is negative.
                const int value = (int(w[c]) * 255 - int(o[c]) * (255 - a) + a / 2) / a;
                px[c] = static_cast<std::uint8_t>(std::clamp(value, 0, 255));
            }
            if (noPicture && result.channels == 4)
                px[3] = w[3];
        }
    }
    return layer;
}

} // namespace

OutpaintPlanRunner::OutpaintPlanRunner(InpaintBackend& backend, InpaintJobRunner::Hooks hooks)
    : m_backend(backend)
    , m_hooks(std::move(hooks)) {}

int OutpaintPlanRunner::totalSteps(const InpaintBackend& backend, const InpaintRequest& request) {
    InpaintRequest one;
    one.candidates = 1;
    one.prompt = request.prompt;
    const int frames = std::max<int>(1, static_cast<int>(request.outpaint.frames.size()));
    return request.candidates * frames * InpaintJobRunner::totalSteps(backend, one);
}

Status OutpaintPlanRunner::run(const InpaintRequest& request, InpaintResult& result) {
    m_stepsDone = 0;
    m_total = totalSteps(m_backend, request);
    result = InpaintResult{};
    result.region = unionOf(request.outpaint.frames, request.image.width, request.image.height);
    result.backend = m_backend.name();
    result.prompt = request.prompt;
    result.consentNote = request.consentNote;
    result.styles = request.styles;
    result.targetLayerId = request.targetLayerId;
    result.documentRevision = request.documentRevision;
    result.composite = request.composite;
    result.userMask = imaging::cropImage(request.mask, result.region);
    for (int index = 0; index < request.candidates; ++index) {
        const Status status = runCandidate(request, index, result);
        if (!status)
            return status;
    }
    return Status::ok();
}

Status OutpaintPlanRunner::runCandidate(const InpaintRequest& request, int index,
                                        InpaintResult& result) {
    const std::uint64_t seed = request.seed + static_cast<std::uint64_t>(index);
    Image working = request.image;
    Image todo = request.mask;
    Image unknown = request.outpaint.unknownArea;
    Image coverage(request.image.width, request.image.height, 1);
    Image generated(request.image.width, request.image.height, 1);
    const int frameSteps =
        InpaintJobRunner::totalSteps(m_backend, frameRequest(request, {}, {}, {}, {}, 0));
    bool first = result.candidates.empty();

    // Frames that cover each pixel and have not run yet, this one included until it runs.
    std::vector<std::uint16_t> laterFrames =
        frameCounts(request.outpaint.frames, request.image.width, request.image.height);

    for (const Rect& frame : request.outpaint.frames) {
        const Rect onCanvas = frame.intersected(Rect{0, 0, todo.width, todo.height});
        for (int y = onCanvas.y; y < onCanvas.bottom(); ++y)
            for (int x = onCanvas.x; x < onCanvas.right(); ++x)
                --laterFrames[static_cast<std::size_t>(y) * todo.width + x];
        const int base = m_stepsDone;
        InpaintJobRunner::Hooks hooks;
        hooks.stopRequested = m_hooks.stopRequested;
        hooks.progress = [this, base](const JobProgress& p) {
            if (m_hooks.progress)
                m_hooks.progress(JobProgress{std::min(base + p.step, m_total), m_total, {}});
        };
        if (m_hooks.stopRequested && m_hooks.stopRequested())
            return Status::cancelled();
        const Image inFrame = imaging::cropImage(todo, frame);
        if (inFrame.empty() || std::all_of(inFrame.bytes.begin(), inFrame.bytes.end(),
                                           [](std::uint8_t v) { return v == 0; })) {
            m_stepsDone = base + frameSteps;
            if (m_hooks.progress)
                m_hooks.progress(JobProgress{m_stepsDone, m_total, {}});
            continue;
        }
        InpaintJobRunner runner(m_backend, std::move(hooks));
        InpaintResult part;
        const Status status = runner.run(
            frameRequest(request, working, frameMask(todo, generated, frame), unknown, frame, seed),
            part);
        if (!status)
            return status;
        m_stepsDone = base + frameSteps;
        const Rect& r = part.region;
        Image& layer = part.candidates.front().layer;
        fadeAtInnerSides(layer, r, frame, todo, laterFrames);
        // Colour match tones each frame's fill as a whole, from the ring around it; where that
        // leaves the fill lighter or darker than the pixels it fades into, the difference is
        // taken out smoothly, so frames meet without a tone step.
        if (request.composite.colorMatch)
            imaging::evenToneAtSoftEdge(layer, r, working, finalPixels(todo), seamBand(frame));
        imaging::compositeOverInPlace(working, layer, r.x, r.y);
        for (int y = 0; y < r.height; ++y) {
            for (int x = 0; x < r.width; ++x) {
                std::uint8_t& c = coverage.pixel(r.x + x, r.y + y)[0];
                const unsigned a = layer.pixel(x, y)[3];
                c = static_cast<std::uint8_t>(a + (c * (255 - a) + 127) / 255);
                // What this frame generated is known to the frames after it; what it faded out
                // at its sides is still to do for a later frame.
                if (part.userMask.pixel(x, y)[0] != 0 && a == 255) {
                    todo.pixel(r.x + x, r.y + y)[0] = 0;
                    generated.pixel(r.x + x, r.y + y)[0] = 255;
                    if (!unknown.empty())
                        unknown.pixel(r.x + x, r.y + y)[0] = 0;
                }
            }
        }
        if (first) {
            result.denoiseGrow = part.denoiseGrow;
            result.blendFeather = part.blendFeather;
            result.blendGrow = part.blendGrow;
            result.colorRingWidth = part.colorRingWidth;
            first = false;
        } else {
            result.denoiseGrow = std::min(result.denoiseGrow, part.denoiseGrow);
        }
    }
    InpaintCandidate candidate;
    candidate.seed = seed;
    candidate.layer = layerFor(request.image, working, coverage, result.region);
    candidate.generated = imaging::toRgb(imaging::cropImage(working, result.region));
    result.candidates.push_back(std::move(candidate));
    return Status::ok();
}

} // namespace limner::engine
