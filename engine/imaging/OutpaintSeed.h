#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

#include <cstdint>

namespace limner::engine::imaging {

// How the pixels of a grown canvas that hold no picture yet are filled before a backend sees
// them. A diffusion model keeps much of what it is given at the edge of its mask, so a seed
// that continues the picture's colours avoids the grey or black bands of an unseeded border.
enum class SeedMethod {
    None,        // left as they are (black where the canvas grew)
    EdgeExtend,  // each new pixel copies the nearest known pixel
    Reflect,     // the known picture mirrored across its edge
    Telea,       // cv::inpaint (Telea) from the known edge inwards
    Fsr,         // cv::xphoto frequency selective reconstruction
    BlurredMean, // edge-extend, blurred, fading to the mean colour of the edge with distance
    Noise,       // blurred mean plus noise with the edge's own spread (seeded, reproducible)
};

// Fills the pixels of rgb (RGB) where unknown (1 channel, same size) is non-zero; every other
// pixel comes back bit-identical. With no known pixel at all, or SeedMethod::None, rgb comes
// back as it is. seed drives SeedMethod::Noise only.
// Guarantees: never throws except std::bad_alloc; an OpenCV failure comes back as Status.
Status seedUnknownArea(SeedMethod method, const Image& rgb, const Image& unknown, std::uint64_t seed,
                       Image& seeded);

// Names for settings files and the command line ("edge", "reflect", "telea", "fsr", "blur",
// "noise", "none"); parseSeedMethod() returns false for an unknown name.
const char* seedMethodName(SeedMethod method);
bool parseSeedMethod(const char* name, SeedMethod& method);

} // namespace limner::engine::imaging
