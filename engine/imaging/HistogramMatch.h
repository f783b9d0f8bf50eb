#pragma once

#include "engine/core/Image.h"

namespace limner::engine::imaging {

// The histogram variant of matchColors(): per channel, the fill's distribution inside fillArea
// is mapped onto the ring's (cumulative histogram matching), so the fill takes on the ring's
// tones and contrast, not only its mean and spread. Stronger than matchColors(): right for a
// fill that continues its surroundings (outpainting, removing an object), less so for one that
// rightly adds something of another colour. Pixels outside fillArea come back unchanged; with an
// empty ring or fill area, or mismatched sizes, fill comes back as it is.
Image matchHistograms(const Image& fill, const Image& fillArea, const Image& reference,
                      const Image& ring);

} // namespace limner::engine::imaging
