#pragma once

#include "engine/core/Image.h"

namespace limner::engine::imaging {

// 255 on the mask grown by hard px, a soft ramp outwards, and 0 past hard + 2 × ramp px: the
// shape of both the denoise and the blend mask. The result is a 1-channel mask of the same size.
Image softGrownMask(const Image& mask, int hard, int ramp);

// The blend mask (a candidate's alpha) for a user's mask: fully opaque grow px past it, then a
// ramp over feather px. maxReach (when >= 0) caps grow + feather, so a re-blend never makes
// the layer show pixels that the fill did not own. feather and grow below 0 count as 0.
Image makeBlendMask(const Image& userMask, int grow, int feather, int maxReach = -1);

// The known pixels just outside area, width px deep: where colour match takes its reference.
Image colorRingAround(const Image& area, int width);

// How wide the ring around a denoise mask is for a blend feather, and how soft the denoise
// mask's edge is for its grow: planRegion() and re-blends use the same numbers.
int colorRingWidth(int blendFeather);
int denoiseFeather(int denoiseGrow);

} // namespace limner::engine::imaging
