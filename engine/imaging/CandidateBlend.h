#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

namespace limner::engine::imaging {

enum class ColorMatchMode {
    Off,
    Statistics, // matchColors(): per-channel mean and spread
    Histogram,  // matchHistograms(): per-channel cumulative histograms
};

// What blendCandidate() needs, all region-sized.
struct CandidateBlendInput {
    const Image& fill;        // RGB: the backend's pixels
    const Image& original;    // RGB: the region as the backend got it (seeded where the canvas grew)
    const Image& changed;     // 1 channel: non-zero where the backend changed the original
    const Image& denoiseMask; // the area the backend owned
    const Image& colorRing;   // known pixels around it
    const Image& blendMask;   // the candidate's alpha
};

struct CandidateBlendOptions {
    ColorMatchMode colorMatch = ColorMatchMode::Statistics;
    bool poisson = false; // gradient-domain blending (poissonBlend) inside the blend mask
    // > 0: statistics colour match measured only on the fill's outer band of this many pixels
    // (at least 3), where it meets the known pixels, so new content in the middle keeps its
    // colours — for generative backends (the colour ring's width). 0: the whole area.
    int matchBand = 0;
};

// Turns a backend's pixels into a candidate layer (RGBA, alpha = blend mask): pixels the
// backend left as they were come back as the original's, bit for bit, and when it changed
// nothing in its area there is no colour match or Poisson solve either — so a fill that changes
// nothing gives back the original image at any size.
// Guarantees: returns BadInput for mismatched sizes or channels; otherwise a Status from
//   poissonBlend() or ok.
Status blendCandidate(const CandidateBlendInput& input, const CandidateBlendOptions& options,
                      Image& layer);

// Where output differs from input (same size, RGB), as a 1-channel mask of width × height:
// found at the backend's size and carried to the region's size with a pixel of margin, so a
// changed pixel's neighbours that the resampling touches count as changed too.
Image changedMask(const Image& output, const Image& input, int width, int height);

} // namespace limner::engine::imaging
