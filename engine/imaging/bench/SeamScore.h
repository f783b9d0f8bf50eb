#pragma once

#include "engine/core/Image.h"

namespace limner::engine::imaging::bench {

// How visible a seam is: the mean gradient magnitude (Sobel, on luminance) of composite along
// band (1 channel, non-zero = the pixels around the blend boundary), divided by the mean
// gradient magnitude of reference (the untouched photograph) over its whole area. About 1 means
// the boundary is as busy as the photograph's own texture; well above 1 means an edge that
// the photograph does not have, i.e. a visible seam.
double seamScore(const Image& composite, const Image& reference, const Image& band);

// The pixels within radius of the boundary of mask (where it changes between 0 and non-zero).
Image boundaryBand(const Image& mask, int radius);

} // namespace limner::engine::imaging::bench
