#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

#include <array>
#include <cstdint>

namespace limner::engine::imaging {

// Selects every pixel of an RGB or RGBA picture (alpha is not compared) whose largest
// per-channel difference from color (R, G, B) is at most tolerance (0–255). mask becomes a
// 1-channel mask of the picture's size: 255 on those pixels, 0 elsewhere; with antialias, a pixel
// that touches the selection and lies just past the tolerance (up to tolerance + max(1,
// tolerance / 2)) gets a grey level falling linearly with its distance, a 1-px soft edge like
// GIMP's antialiasing. Pixels away from the selection never get a grey level, so a flat region of
// another colour stays wholly unselected.
//
// Guarantees: never throws except std::bad_alloc; bad input (an empty picture, a channel count
//   other than 3 or 4, a tolerance outside 0–255) comes back as BadInput with a message, and
//   mask is then left unchanged.
Status selectColorRange(const Image& picture, const std::array<std::uint8_t, 3>& color, int tolerance,
                        bool antialias, Image& mask);

} // namespace limner::engine::imaging
