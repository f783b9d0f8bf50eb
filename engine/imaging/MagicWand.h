#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

namespace limner::engine::imaging {

struct MagicWandOptions {
    // 0–255: the largest per-channel difference |R − r|, |G − g|, |B − b| from the seed's colour
    // that is still selected (the same measure as GIMP's "composite" criterion). 0 selects only
    // the seed's exact colour.
    int tolerance = 32;
    // true: only the region that reaches the seed through selected pixels (4-neighbours, so a
    // diagonal crack of one pixel does not leak); false: every pixel of the picture in tolerance.
    bool contiguous = true;
    // A 1-px soft edge just outside the selection (see selectColorRange()).
    bool antialias = true;
};

// Selects the pixels of an RGB or RGBA picture (alpha is not compared) whose colour is close to
// the colour at (seedX, seedY). mask becomes a 1-channel mask of the picture's size: 255 for
// the selected pixels, 0 elsewhere, and with antialias grey levels on a 1-px edge. A region of
// one exact colour comes back exactly: every one of its pixels, and nothing else unless another
// colour lies within tolerance.
//
// Guarantees: never throws except std::bad_alloc; bad input (an empty picture, a channel count
//   other than 3 or 4, a seed outside the picture, a tolerance outside 0–255) comes back as
//   BadInput with a message, and mask is then left unchanged.
Status magicWandSelect(const Image& picture, int seedX, int seedY, const MagicWandOptions& options,
                       Image& mask);

} // namespace limner::engine::imaging
