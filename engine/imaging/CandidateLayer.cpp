#include "engine/imaging/CandidateLayer.h"

namespace limner::engine::imaging {

Image makeCandidateLayer(const Image& fill, const Image& blendMask) {
    if (fill.channels != 3 || blendMask.channels != 1 || fill.width != blendMask.width ||
        fill.height != blendMask.height || !fill.isConsistent() || !blendMask.isConsistent())
        return {};
    Image layer(fill.width, fill.height, 4);
    const std::size_t pixels =
        static_cast<std::size_t>(fill.width) * static_cast<std::size_t>(fill.height);
    for (std::size_t i = 0; i < pixels; ++i) {
        layer.bytes[4 * i + 0] = fill.bytes[3 * i + 0];
        layer.bytes[4 * i + 1] = fill.bytes[3 * i + 1];
        layer.bytes[4 * i + 2] = fill.bytes[3 * i + 2];
        layer.bytes[4 * i + 3] = blendMask.bytes[i];
    }
    return layer;
}

} // namespace limner::engine::imaging
