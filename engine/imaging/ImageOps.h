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

// Copies source's pixels into target where mask (1 channel) is non-zero; all three the same
// size, source and target with the same channels. Does nothing when they do not match.
void copyWhere(const Image& source, const Image& mask, Image& target);

} // namespace limner::engine::imaging
