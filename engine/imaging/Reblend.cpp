#include "engine/imaging/Reblend.h"

#include "engine/imaging/BlendMask.h"
#include "engine/imaging/ImageOps.h"

#include <algorithm>

namespace limner::engine::imaging {

namespace {

// Pixels where the fill differs from the picture under it, or where there is no picture.
Image changedAgainst(const Image& generated, const Image& reference) {
    Image changed(generated.width, generated.height, 1);
    for (int y = 0; y < generated.height; ++y) {
        const std::uint8_t* g = generated.row(y);
        const std::uint8_t* r = reference.row(y);
        std::uint8_t* c = changed.row(y);
        for (int x = 0; x < generated.width; ++x, g += 3, r += reference.channels) {
            const bool absent = reference.channels == 4 && r[3] == 0;
            c[x] = absent || g[0] != r[0] || g[1] != r[1] || g[2] != r[2] ? 255 : 0;
        }
    }
    return changed;
}

} // namespace

Status reblendCandidate(const Image& generated, const Image& reference, const Image& userMask,
                        const ReblendSettings& settings, Image& layer) {
    const auto sameSize = [&](const Image& o) {
        return o.width == generated.width && o.height == generated.height && o.isConsistent();
    };
    if (generated.channels != 3 || generated.empty() || !generated.isConsistent() ||
        (reference.channels != 3 && reference.channels != 4) || !sameSize(reference) ||
        userMask.channels != 1 || !sameSize(userMask))
        return Status::badInput("re-blending needs the generated pixels, the picture under them and "
                                "the mask at the same size; the layer's generation data is damaged");
    const Image changed = changedAgainst(generated, reference);
    // Where there is no picture, the fill is its own reference: nothing to match against.
    Image original = toRgb(reference);
    for (int y = 0; y < original.height; ++y)
        for (int x = 0; x < original.width; ++x)
            if (reference.channels == 4 && reference.pixel(x, y)[3] == 0)
                std::copy_n(generated.pixel(x, y), 3, original.pixel(x, y));

    const int reach = settings.denoiseGrow > 0 ? settings.denoiseGrow : -1;
    const Image blendMask = makeBlendMask(userMask, settings.blendGrow, settings.blendFeather, reach);
    const int denoiseGrow = std::max(settings.denoiseGrow, 0);
    const Image denoiseMask = softGrownMask(userMask, denoiseGrow, denoiseFeather(denoiseGrow));
    const int ringWidth =
        settings.colorRingWidth > 0 ? settings.colorRingWidth : colorRingWidth(settings.blendFeather);
    Image ring = colorRingAround(denoiseMask, ringWidth);
    // The ring must hold real picture only.
    for (int y = 0; y < ring.height; ++y)
        for (int x = 0; x < ring.width; ++x)
            if (reference.channels == 4 && reference.pixel(x, y)[3] == 0)
                ring.pixel(x, y)[0] = 0;
    const CandidateBlendInput input{generated, original, changed, denoiseMask, ring, blendMask};
    return blendCandidate(input,
                          CandidateBlendOptions{settings.colorMatch, settings.poisson,
                                                settings.matchAtEdgeOnly ? ringWidth : 0},
                          layer);
}

} // namespace limner::engine::imaging
