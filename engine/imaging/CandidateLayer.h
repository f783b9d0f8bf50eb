#pragma once

#include "engine/core/Image.h"

namespace limner::engine::imaging {

// The layer a candidate becomes: fill's colours (RGB, region-sized) with alpha = blendMask.
// compositeOver() of this layer at the region's origin leaves every pixel outside the blend
// mask bit-identical. Returns an empty image when the sizes differ or fill is not RGB.
Image makeCandidateLayer(const Image& fill, const Image& blendMask);

} // namespace limner::engine::imaging
