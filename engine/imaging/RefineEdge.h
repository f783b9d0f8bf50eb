#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

namespace limner::engine::imaging {

struct RefineEdgeOptions {
    // How far (px) the edge may move towards an edge of the picture: the guided filter's window
    // radius. A mask whose edge is off by more than about this much is only smoothed there.
    int radius = 8;
    // The guided filter's regularisation, on colours scaled to 0–1: smaller follows weaker colour
    // edges (and more texture), larger gives a smoother, blurrier edge.
    double epsilon = 1e-3;
};

// Snaps a selection's border to the edges of the picture with a colour guided filter (He, Sun
// and Tang, "Guided Image Filtering", 2010/2013): inside every window the output is a linear
// function of the picture's colour fitted to the mask, so where the mask's edge runs near a
// colour edge it moves onto it, and the transition takes the picture's own softness (hair and
// blur come back as grey levels). refined becomes a soft 1-channel mask of the picture's size;
// 128 is the natural threshold for a hard one.
//
// picture is RGB or RGBA (alpha is not used); mask is 1-channel (any level counts as its
// strength) of the same size.
//
// Guarantees: never throws except std::bad_alloc; bad input (empty picture or mask, wrong
//   channel counts, different sizes, radius < 1 or > 256, epsilon ≤ 0) comes back as BadInput
//   with a message, and refined is then left unchanged.
Status refineMaskEdge(const Image& picture, const Image& mask, const RefineEdgeOptions& options,
                      Image& refined);

} // namespace limner::engine::imaging
