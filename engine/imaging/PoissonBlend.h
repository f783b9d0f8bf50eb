#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

namespace limner::engine::imaging {

// Gradient-domain (Poisson) blending with OpenCV's seamlessClone: inside area (1 channel,
// non-zero = the fill's), the result keeps the fill's gradients and takes its level from
// the original's pixels on the area's border, so a fill whose brightness drifts from its
// surroundings loses the step at the edge. fill and original are RGB of the same size; pixels
// outside area come back as the original's. The area may touch the image's border (an
// outpainted strip does): the images are padded first, so the result stays aligned pixel for
// pixel.
// Guarantees: never throws except std::bad_alloc; an OpenCV failure comes back as Status and
//   leaves blended unchanged.
Status poissonBlend(const Image& fill, const Image& original, const Image& area, Image& blended);

} // namespace limner::engine::imaging
