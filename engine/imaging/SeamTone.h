#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

namespace limner::engine::imaging {

// Evens out the tone where a layer's soft edge lies over pixels that are already final, so the
// layer flows into them instead of changing tone in a step across its edge. layer (RGBA) sits at
// region on base (RGB or RGBA, canvas-sized); final (1 channel, canvas-sized) is non-zero where
// base's pixels are final (the picture, or what earlier frames of a plan made). On the pixels
// where the layer is half transparent over final ones, the difference between base and layer is
// measured (each channel's difference counted up to 24 levels: larger ones are the picture's
// own edges, not tone), spread smoothly over the layer (a normalised Gaussian of sigma px that fades
// out a few sigma away from those pixels) and added to the layer's colours. Alpha is left alone; a
// layer that repeats base's pixels comes back unchanged. Mismatched input is left as it is.
void evenToneAtSoftEdge(Image& layer, const Rect& region, const Image& base, const Image& final,
                        double sigma);

} // namespace limner::engine::imaging
