#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

namespace limner::engine::imaging {

// The part of image inside rect (clamped to the image); empty when they do not overlap.
Image cropImage(const Image& image, const Rect& rect);

// Resamples to width × height: area averaging when shrinking (no aliasing), bicubic when
// enlarging. Same channels. Used to bring a crop to a model's native size and back.
Image resizeImage(const Image& image, int width, int height);

// Drops the alpha channel of RGBA (3-channel images come back as they are; a mask becomes
// grey RGB).
Image toRgb(const Image& image);

} // namespace limner::engine::imaging
