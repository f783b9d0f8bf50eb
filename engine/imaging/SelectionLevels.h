#pragma once

// Private to limner_imaging: the colour distance and the soft edge that the magic wand and the
// colour range share. Never include it from a header that another module sees.

#include "engine/core/Image.h"
#include "engine/core/Status.h"

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>

namespace limner::engine::imaging {

// Ok for a consistent, non-empty RGB or RGBA picture; else BadInput naming what a selection
// needs. what names the operation ("the magic wand").
Status checkSelectionPicture(const Image& picture, const char* what);

// Ok for 0–255; else BadInput.
Status checkTolerance(int tolerance);

// For every pixel of an RGB or RGBA picture, the largest of |R − r|, |G − g|, |B − b| (alpha is
// not compared): CV_8U, the same size.
cv::Mat maxChannelDistance(const cv::Mat& picture, const std::array<std::uint8_t, 3>& color);

// 255 on core, and with antialias a 1-px soft edge around it: a pixel next to core (8-neighbour)
// whose distance lies just past tolerance gets a level that falls linearly from 255 at tolerance
// to 0 at tolerance + max(1, tolerance / 2), as GIMP's antialiased selections do; 0 elsewhere.
cv::Mat selectionWithSoftEdge(const cv::Mat& core, const cv::Mat& distance, int tolerance,
                              bool antialias);

} // namespace limner::engine::imaging
