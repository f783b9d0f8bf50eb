#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

#include <vector>

namespace limner::engine::imaging {

// Plans a large or multi-direction outpaint as several frame-sized jobs. todo is canvas-sized
// (1 channel, non-zero = to be generated); every other pixel counts as known. Frames are
// frameWidth × frameHeight (cut to the canvas where it is smaller), in the order they should
// run: each one holds at least a quarter known pixels where it can — the picture or what the
// frames before it generated — and covers as many of the remaining pixels as possible, so each
// job continues what is already there and neighbours overlap by at least overlap px.
//
// Returns an empty list when todo is empty, and never more than maxFrames frames; the union of
// the frames covers every todo pixel unless maxFrames was reached (check with coversAll()).
std::vector<Rect> planOutpaintFrames(const Image& todo, int frameWidth, int frameHeight, int overlap,
                                     int maxFrames = 64);

// True when every non-zero pixel of todo lies in one of the frames.
bool framesCoverAll(const Image& todo, const std::vector<Rect>& frames);

} // namespace limner::engine::imaging
