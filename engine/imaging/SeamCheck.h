#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

#include <string>

namespace limner::engine::imaging {

struct SeamCheckOptions {
    int sideWidth = 4;             // px on each side of the boundary that are compared
    double maxColorStep = 5.0;     // ΔE (CIE76) the seam may add before it counts as visible
    double maxEdgeRatio = 2.5;     // how much sharper than the picture's own edges it may be
    double maxChangeOutside = 8.0; // mean ΔE the layer may add where the user did not mask
    double minTextureRatio = 0.5;  // how much smoother than its surroundings the fill may be
};

// What the seam check measured along a fill's blend boundary (where the layer's alpha crosses
// one half), against the picture's own colours and texture there.
struct SeamReport {
    // The colour step across the boundary that the fill added, in ΔE: the 90th percentile, over
    // the boundary, of |mean Lab inside − mean Lab outside| in the composite minus the same in
    // the picture without the layer (an object edge the boundary follows is not the fill's).
    double colorStep = 0;
    // The 90th-percentile gradient of lightness on the boundary in the composite, against the
    // 90th percentile of the picture's own gradient in the band around it: above 1, the
    // boundary is a line sharper than the picture's texture there.
    double edgeRatio = 0;
    // Mean ΔE the layer adds where it covers pixels outside the user's mask (its feather).
    double changeOutside = 0;
    // The fill's texture against its surroundings' (mean lightness gradient just inside the
    // boundary over just outside it, in the composite, relative to the same in the picture):
    // well below 1, a fill blurrier than the picture around it (a smooth patch in grass).
    // 1 where the picture is too flat around the boundary to tell.
    double textureRatio = 1;
    bool visible = false;
    std::string reason; // why it is visible, in words with figures; empty when it passes
    // 1 channel, region-sized: how much each boundary pixel's colour step exceeds the picture's
    // own (255 = three times maxColorStep or more), for a heatmap overlay.
    Image heatmap;
};

// Checks the seam a candidate layer makes on the picture. base: the picture under the layer
// (RGB or RGBA, region-sized); layer: the candidate (RGBA, alpha = blend mask, region-sized);
// userMask: the user's mask in the region (1 channel; empty = not known, changeOutside is 0).
// A layer with no boundary inside the region (all or nothing) passes.
// Guarantees: BadInput for empty or mismatched images; never throws except std::bad_alloc.
Status checkSeam(const Image& base, const Image& layer, const Image& userMask,
                 const SeamCheckOptions& options, SeamReport& out);

// How much two versions of a candidate layer differ where the user masked (the mask shrunk by
// 2 px, away from the seam), as mean ΔE of the two composites over base: a seam fix that
// changes what was generated (colour match turning a requested yellow wall blue) is no fix.
// Same requirements as checkSeam(); 0 when the mask is empty.
Status fillChange(const Image& base, const Image& before, const Image& after, const Image& userMask,
                  double& meanDeltaE);

} // namespace limner::engine::imaging
