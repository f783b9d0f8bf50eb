#pragma once

#include "engine/core/Image.h"
#include "engine/core/Rect.h"
#include "engine/core/Status.h"

#include <vector>

namespace limner::engine::imaging {

// A click that tells the object selection a pixel is part of the object (inside) or not.
struct SelectionClick {
    int x = 0;
    int y = 0;
    bool inside = true;
};

struct ObjectSelectionOptions {
    int iterations = 5;       // GrabCut rounds from the box
    int refineIterations = 5; // further rounds once clicks are marked
    // px (in the picture) of the disc each click marks; 0 = 1.5 % of the picture's longest side
    // (at least 3 px). A disc much smaller than that barely moves GrabCut's colour models.
    int clickRadius = 0;
    // GrabCut runs on a copy whose longest side is at most this many px (the cost grows with the
    // pixel count); the result is enlarged back and snapped to the picture's edges.
    int workingSize = 640;
    // Snap the result to the picture's edges with refineMaskEdge(); off, the mask is hard.
    bool refineEdge = true;
};

// Selects the object inside box (picture pixels) with OpenCV's GrabCut: colour models of the
// object (inside the box) and of the background (outside it) are fitted by graph cuts, as in
// Rother, Kolmogorov and Blake, "GrabCut", 2004. Clicks then pin discs of pixels to the object
// or the background and GrabCut runs on from the models the box gave (GC_EVAL: re-fitting them
// from scratch with GC_INIT_WITH_MASK made the answer jump about with the click's size). Of what
// GrabCut keeps, the largest piece stays, with every piece at least a quarter of its size and every
// piece under an inside click; stray specks are dropped. mask becomes a 1-channel mask of the picture's
// size, soft at the edge when options.refineEdge is set (threshold at 128 for a hard one).
//
// The result is deterministic: GrabCut's random start is seeded the same way on every call (on
// OpenCV's thread-local generator, which is restored afterwards), so calls on different threads
// may run concurrently.
//
// Guarantees: never throws except std::bad_alloc; bad input (an empty picture, a channel count
//   other than 3 or 4, a box that is empty, smaller than 8×8 px inside the picture, or leaves no
//   background, a click outside the picture, options out of range) comes back as BadInput with a
//   message, and mask is then left unchanged.
Status selectObject(const Image& picture, const Rect& box, const std::vector<SelectionClick>& clicks,
                    const ObjectSelectionOptions& options, Image& mask);

} // namespace limner::engine::imaging
