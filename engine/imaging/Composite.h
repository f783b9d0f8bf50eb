#pragma once

#include "engine/core/Image.h"

namespace limner::engine::imaging {

// Source-over of a non-premultiplied RGBA layer whose top-left corner sits at (x, y) in base's
// coordinates; the layer may lie partly or wholly outside base. The result has base's size and
// channels (RGB or RGBA).
// Guarantees: where the layer's alpha is 0 (or the layer does not reach), the base pixel comes
//   back bit-identical; where it is 255 the result is the layer's pixel (alpha 255 on RGBA).
//   A base that is not RGB/RGBA, or a layer that is not RGBA, returns base unchanged.
Image compositeOver(const Image& base, const Image& layerRgba, int x, int y);

// The same, into base itself: no copy of the whole picture, so the cost follows the layer's
// size, not the canvas's (a 4096² RGB canvas is 50 MB). Does nothing for the inputs that
// compositeOver() returns unchanged.
void compositeOverInPlace(Image& base, const Image& layerRgba, int x, int y);

} // namespace limner::engine::imaging
