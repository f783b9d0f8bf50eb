#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

namespace limner::engine::imaging {

// Masks are 1-channel 8-bit, canvas-sized: 255 = regenerate, 0 = keep. Any non-zero value
// counts as "in the mask" for the operations below.

// Bounding box of the non-zero pixels; an empty Rect when there are none.
Rect maskBounds(const Image& mask);

// Grows the mask by px pixels with a round (Euclidean) structuring element. The result is
// binary (0/255). px <= 0 returns the mask unchanged.
Image growMask(const Image& mask, int px);

// Shrinks the mask by px pixels with a round structuring element; the canvas edge does not
// erode it. The result is binary (0/255). px <= 0 returns the mask unchanged.
Image shrinkMask(const Image& mask, int px);

// 255 - value for every pixel.
Image invertMask(const Image& mask);

// Every level v becomes 255 · (v / 255)^exponent, rounded, non-zero levels staying non-zero:
// the strength curve of soft inpainting (below 1 strengthens weak levels, above 1 weakens them).
// exponent <= 0 or 1 returns the mask unchanged.
Image curveMask(const Image& mask, double exponent);

// True when no pixel is non-zero (also for an empty image).
bool maskIsEmpty(const Image& mask);

// Softens the mask's edges with a Gaussian whose kernel reaches px pixels in x and y: values
// change only within px of an edge. px <= 0 returns the mask unchanged.
Image featherMask(const Image& mask, int px);

// Number of non-zero pixels.
int maskArea(const Image& mask);

} // namespace limner::engine::imaging
