#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

#include <cstdint>
#include <string>
#include <vector>

namespace limner::engine {

// How the result is cut out and blended back (DESIGN.md, "Masks and compositing").
struct CompositeSettings {
    int contextMargin = -1;     // px of known pixels around the mask's bounding box; -1 = proportional
    int denoiseGrow = -1;       // px the denoise mask grows past the user's mask; -1 = proportional
    int blendFeather = -1;      // px of the blend mask's soft edge; -1 = proportional
    bool colorMatch = true;     // match colour statistics from a ring of known pixels
};

// One generation job. Carries values, not pointers into the document: the pixels it needs,
// the layer it targets and the revision it was made from, so a stale result can be dropped.
struct InpaintRequest {
    Image image;                // flattened visible canvas, RGB or RGBA, 8 bit
    Image mask;                 // 1 channel, canvas-sized: 255 = regenerate, 0 = keep
    std::string backend = "telea";
    std::string prompt;
    std::string negativePrompt;
    std::uint64_t seed = 0;
    int candidates = 1;
    int targetLayerId = -1;
    std::uint64_t documentRevision = 0;
    CompositeSettings composite;
};

struct InpaintCandidate {
    Image layer;                // RGBA, region-sized: generated pixels with alpha = blend mask
    std::uint64_t seed = 0;
};

struct InpaintResult {
    Rect region;                // where the candidates sit on the canvas (the crop rectangle)
    std::vector<InpaintCandidate> candidates;
    std::string backend;
    std::string prompt;
    int targetLayerId = -1;
    std::uint64_t documentRevision = 0;
};

struct JobProgress {
    int step = 0;               // steps done, 0..total, never decreasing within a job
    int total = 1;
    Image preview;              // optional, region-sized RGB; empty when none
};

} // namespace limner::engine
