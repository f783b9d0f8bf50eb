#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

namespace limner::engine::imaging {

// What a backend and the user's settings ask of the region (DESIGN.md, "Masks and compositing").
// A negative pixel setting means "in proportion to the mask": the mask's size is the square
// root of its area, so a long thin stroke does not get the margins of a large blob.
struct RegionPlanOptions {
    int contextMargin = -1;   // known pixels kept around the mask's bounding box
    int denoiseGrow = -1;     // how far the region given to the fill reaches past the user's mask
    int blendFeather = -1;    // width of the candidate's soft edge
    int blendGrow = -1;       // how far the candidate stays fully opaque past the user's mask
                              //   (-1 = half the feather)
    int nativeWidth = 0;      // the backend's working size; the region is squared up to its
    int nativeHeight = 0;     //   aspect ratio where the canvas allows (0 = any aspect)
    int alignment = 1;        // region sides are rounded up to a multiple of this where they fit
    bool growToNative = true; // a region smaller than the native size takes in more context up
                              //   to that size where the canvas allows, so the model works at
                              //   its own scale instead of on an enlarged crop
    // Soft inpainting: the mask's grey levels are per-pixel strength. The denoise mask is then
    // the user's mask through curveMask(softCurve), not grown: the fill changes each pixel as
    // much as its level says, and nothing outside the mask.
    bool softMask = false;
    double softCurve = 1.0;
};

// Everything the compositing path needs for one request, all masks region-sized.
struct RegionPlan {
    Rect region;       // the crop, in canvas pixels; also where the candidate layers sit
    Image userMask;    // the user's mask inside the region
    Image denoiseMask; // given to the fill: the user's mask grown and feathered outwards (soft
                       //   inpainting: the user's levels through the strength curve)
    Image blendMask;   // the candidate's alpha: smaller than the denoise mask, soft edge;
                       //   255 on every pixel of the user's mask
    Image colorRing;   // known pixels just outside the denoise mask, for colour match
    int contextMargin = 0;
    int denoiseGrow = 0;
    int blendFeather = 0;
    int blendGrow = 0;
};

// Plans the region for a canvas-sized 1-channel mask. The explicit settings are raised where
// needed so the guarantees hold: every pixel the blend mask touches lies where the denoise mask
// is 255 (the fill owns it), and the region holds the whole denoise mask plus the colour ring.
// Squaring up to a native aspect may trade context margin for the aspect where the canvas is
// too small, but never that minimum. Returns a plan with an empty region when the mask is empty.
RegionPlan planRegion(const Image& mask, const RegionPlanOptions& options);

// The plan for a region chosen by the user (the generation frame): the region is the frame cut
// to the canvas, whatever the backend's aspect, and only the mask inside it counts. The masks
// may reach the region's edge where the frame leaves no room. Returns a plan with an empty
// region when the frame holds no mask pixel.
RegionPlan planRegionInFrame(const Image& mask, const Rect& frame, const RegionPlanOptions& options);

} // namespace limner::engine::imaging
