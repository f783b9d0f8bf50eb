#pragma once

#include "engine/core/Image.h"

namespace limner::engine::imaging {

// Moves the colours of fill (RGB) inside fillArea towards those of reference (RGB, same size)
// inside ring: per channel, the fill's mean becomes the ring's mean and its spread is scaled
// towards the ring's, by at most a factor of 4/3 either way, so a fill that rightly holds
// something new keeps its contrast. Pixels outside fillArea come back unchanged. With an empty
// ring or fill area, or mismatched sizes, fill comes back as it is.
Image matchColors(const Image& fill, const Image& fillArea, const Image& reference, const Image& ring);
// The same correction measured on the fill inside statsArea and applied inside fillArea: with
// statsArea the fill's outer band (where it meets the ring), what the fill rightly put in the
// middle — a red object on a blue wall — does not pull the correction towards itself.
Image matchColors(const Image& fill, const Image& statsArea, const Image& fillArea,
                  const Image& reference, const Image& ring);

} // namespace limner::engine::imaging
