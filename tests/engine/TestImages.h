#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

#include <string>

namespace limner::engine::test {

// The real photographs (8-bit RGB).
Image coffeePhoto();
Image chelseaPhoto();
Image astronautPhoto();

Image discMask(int width, int height, int centerX, int centerY, int radius);
Image rectMask(int width, int height, const Rect& rect);

void fillRect(Image& image, const Rect& rect, const std::uint8_t* color);
void fillDisc(Image& image, int centerX, int centerY, int radius, const std::uint8_t* color);

// Pixels that differ between two images of the same size.
int differingPixels(const Image& a, const Image& b);

} // namespace limner::engine::test
