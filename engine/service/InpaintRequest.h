#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"
#include "engine/imaging/CandidateBlend.h"
#include "engine/imaging/OutpaintSeed.h"

#include <cstdint>
#include <string>
#include <vector>

namespace limner::engine {

// How the result is cut out and blended back (DESIGN.md, "Masks and compositing").
struct CompositeSettings {
    int contextMargin = -1; // px of known pixels around the mask's bounding box; -1 = proportional
    int denoiseGrow = -1;   // px the denoise mask grows past the user's mask; -1 = proportional
    int blendFeather = -1;  // px of the blend mask's soft edge; -1 = proportional
    bool colorMatch = true; // match colour statistics from a ring of known pixels
    // How colour match works when colorMatch is on: per-channel statistics or histograms.
    imaging::ColorMatchMode colorMatchMode = imaging::ColorMatchMode::Statistics;
    int blendGrow = -1;   // px the candidate stays opaque past the mask; -1 = half the feather
    bool poisson = false; // gradient-domain blending (OpenCV seamlessClone) inside the blend mask
};

// Outpainting: the canvas was grown (by the caller, before the request) and part of it holds no
// picture yet. DESIGN.md, "Masks and compositing".
struct OutpaintSettings {
    Image unknownArea; // 1 channel, canvas-sized: 255 where the canvas holds no picture
                       //   yet; every such pixel must also be in the mask. Empty = none
    imaging::SeedMethod seedMethod = imaging::SeedMethod::EdgeExtend; // how it is seeded first
    // The crops: one generation frame, or a plan of several (planOutpaintFrames) run in order,
    // each seeing the results of the ones before. Empty = the region is planned from the mask.
    std::vector<Rect> frames;
};

// A reference image that steers an unCLIP model (DALL·E 2's variations and interpolation).
struct ImagePrompt {
    Image image; // RGB or RGBA, any size
    double weight = 1.0;
};

// The settings of a diffusion model's run; classical fills ignore them.
struct DiffusionSettings {
    int steps = 30;
    double guidanceScale = -1; // classifier-free guidance; < 0 = the family's default
    std::string scheduler;     // "" = the model's own; see ml::SchedulerChoice for the names
    double strength = 1.0;     // below 1 the masked pixels are noised, not replaced
    // Soft inpainting (differential diffusion): the mask's grey levels say how much each pixel
    // changes (255 fully, 0 not at all), through the curve level^softCurve; off, the mask is a
    // region grown and feathered as CompositeSettings says.
    bool softMask = false;
    double softCurve = 1.0;
    std::string device = "auto"; // "auto" (CUDA when libtorch has it), "cpu", "cuda"
    std::string dtype = "auto";  // "auto" (float16 on CUDA, float32 on CPU), "float32", …
    std::vector<ImagePrompt> imagePrompts;
    double textWeight = 1.0; // the prompt's share when image prompts are mixed in
    int previewEvery = 5;    // steps between previews; 0 = none
};

// One generation job. Carries values, not pointers into the document: the pixels it needs,
// the layer it targets and the revision it was made from, so a stale result can be dropped.
struct InpaintRequest {
    Image image; // flattened visible canvas, RGB or RGBA, 8 bit
    Image mask;  // 1 channel, canvas-sized: 255 = regenerate, 0 = keep
    std::string backend = "telea";
    std::string prompt;
    std::string negativePrompt;
    std::uint64_t seed = 0;
    int candidates = 1;
    int targetLayerId = -1;
    std::uint64_t documentRevision = 0;
    CompositeSettings composite;
    OutpaintSettings outpaint;
    DiffusionSettings diffusion;
    // What the user agreed to when the content policy asked (app/policy/GenerationGuard),
    // handed back with the result so the accepted layer records it; empty when nothing was asked.
    std::string consentNote;
    // The styles whose words the prompts carry (app::StylePreset names), for the record.
    std::vector<std::string> styles;
};

struct InpaintCandidate {
    Image layer; // RGBA, region-sized: generated pixels with alpha = blend mask
    std::uint64_t seed = 0;
    Image generated; // RGB, region-sized: the fill before colour match and alpha, with
                     //   the original's pixels wherever the fill left them as they were
    // The model's safety checker flagged this candidate (its backend's fillWarning()): the
    // editor blacks it out; empty when it was not flagged or nothing checked it.
    std::string safetyWarning;
};

struct InpaintResult {
    Rect region; // where the candidates sit on the canvas (the crop rectangle)
    std::vector<InpaintCandidate> candidates;
    std::string backend;
    std::string prompt;
    int targetLayerId = -1;
    std::uint64_t documentRevision = 0;
    // What re-blending a candidate later needs besides its generated pixels.
    Image userMask;       // 1 channel, region-sized: the request's mask inside the region
    int denoiseGrow = 0;  // how far past the mask the fill owned its pixels (caps re-blends)
    int blendFeather = 0; // the settings the candidates' alpha was made with
    int blendGrow = 0;
    int colorRingWidth = 0;          // px of known pixels colour match sampled around the fill
    CompositeSettings composite;     // the request's settings: colour match, Poisson
    std::string consentNote;         // the request's, unchanged
    std::vector<std::string> styles; // the request's, unchanged
};

struct JobProgress {
    int step = 0; // steps done, 0..total, never decreasing within a job
    int total = 1;
    Image preview; // optional, region-sized RGB; empty when none
};

} // namespace limner::engine
