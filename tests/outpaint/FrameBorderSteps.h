#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"

#include <vector>

namespace limner::engine::test {

// Tone steps across the borders of a multi-frame outpaint plan's frames, the soft rectangles a
// user sees where one frame's fill meets the next. Every inner side of every frame (a side that
// is not on the canvas edge) is cut into segments of 16 px; a segment's step is the CIE Lab
// distance (ΔE 1976) between the mean colours of the 8-px strips on either side of it. Only
// segments whose strips lie wholly in the new area count: the picture's own edges are not seams.
// The same measure on the frames' middle lines (where no frame border lies) says how much of
// it is the fill's own texture.
struct StepStats {
    int segments = 0;
    double mean = 0;
    double p95 = 0;
    double max = 0;
};

struct FrameBorderSteps {
    StepStats borders;  // across the frames' inner sides
    StepStats midlines; // across lines through the frames' middles, for comparison
};

// result: the outpainted canvas (RGB); newArea: 1 channel, non-zero where the canvas grew.
FrameBorderSteps measureFrameBorderSteps(const Image& result, const Image& newArea,
                                         const std::vector<Rect>& frames);

// The same steps one by one, appended to borders and midlines, to pool several pictures; and
// their statistics.
void collectFrameBorderSteps(const Image& result, const Image& newArea, const std::vector<Rect>& frames,
                             std::vector<double>& borders, std::vector<double>& midlines);
StepStats stepStats(std::vector<double> steps);

} // namespace limner::engine::test
