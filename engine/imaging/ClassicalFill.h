#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

namespace limner::engine::imaging {

enum class ClassicalFillMethod {
    Telea,        // fast marching from the edge inwards (cv::inpaint, INPAINT_TELEA)
    NavierStokes, // isophotes continued as a fluid flow (cv::inpaint, INPAINT_NS)
    Fsr,          // frequency selective reconstruction (cv::xphoto::inpaint, INPAINT_FSR_FAST)
};

// Rebuilds the pixels of rgb (RGB) where area (1 channel, same size) is non-zero from the
// pixels around them; pixels outside area come back unchanged.
//
// These methods are deterministic, so several candidates differ through variant (0, 1, ...):
// Telea and Navier–Stokes look variant-dependent distances around each pixel (radius
// 3 + 4 × variant px: small radii keep edges crisp, larger ones give smoother, blurrier fills);
// FSR shifts its 16-px block grid by (5 × variant) mod 16 px, which changes which known pixels
// each block reconstructs from. FSR_FAST only reaches about a block into a hole (deeper, its
// output fades to black), so a deep hole is filled at a reduced scale where no hole pixel is
// more than 10 px from a known one, and enlarged back: plausible, but soft in large holes.
//
// Guarantees: never throws except std::bad_alloc; an OpenCV failure comes back as Status.
Status classicalFill(ClassicalFillMethod method, const Image& rgb, const Image& area, int variant,
                     Image& filled);

// The radius classicalFill() uses for Telea and Navier–Stokes.
double classicalFillRadius(int variant);

} // namespace limner::engine::imaging
