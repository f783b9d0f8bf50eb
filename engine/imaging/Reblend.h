#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"
#include "engine/imaging/CandidateBlend.h"

namespace limner::engine::imaging {

// The settings a generated layer can be re-blended with after the fact.
struct ReblendSettings {
    int blendFeather = 8; // px of soft edge
    int blendGrow = 4;    // px the layer stays opaque past the mask
    ColorMatchMode colorMatch = ColorMatchMode::Statistics;
    bool poisson = false;
    int denoiseGrow = 0;          // how far past the mask the fill owned its pixels (from the result):
                                  //   grow + feather are capped to it
    int colorRingWidth = 0;       // px of known pixels colour match samples; kept from the job, so a
                                  //   new feather alone changes only the alpha (0 = from the feather)
    bool matchAtEdgeOnly = false; // a generative backend's fill (see CandidateBlendOptions)
};

// Rebuilds a candidate layer from what generation left behind, without generating again:
// generated (RGB) is the fill before colour match and alpha, reference (RGB or RGBA) the
// picture under the layer now (alpha 0 = no picture there, as on a grown canvas), userMask the
// mask the job was made for; all region-sized. The layer's colours come from generated (colour
// matched against reference when asked), its alpha is the new blend mask: the generated pixels
// themselves are never lost, only what shows of them changes.
// Guarantees: BadInput for mismatched sizes or channels, never throws except std::bad_alloc.
Status reblendCandidate(const Image& generated, const Image& reference, const Image& userMask,
                        const ReblendSettings& settings, Image& layer);

} // namespace limner::engine::imaging
