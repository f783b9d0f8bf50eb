#include "engine/imaging/Composite.h"

#include "engine/core/Rect.h"

namespace limner::engine::imaging {

namespace {

inline std::uint8_t divide255(unsigned value) {
    return static_cast<std::uint8_t>((value + 127) / 255);
}

void blendOverRgb(std::uint8_t* dst, const std::uint8_t* src) {
    const unsigned a = src[3];
    if (a == 0)
        return;
    for (int c = 0; c < 3; ++c)
        dst[c] = a == 255 ? src[c] : divide255(src[c] * a + dst[c] * (255 - a));
}

void blendOverRgba(std::uint8_t* dst, const std::uint8_t* src) {
    const unsigned a = src[3];
    if (a == 0)
        return;
    if (a == 255) {
        for (int c = 0; c < 4; ++c)
            dst[c] = src[c];
        return;
    }
    // Non-premultiplied source-over: weights are in units of 255².
    const unsigned srcWeight = a * 255;
    const unsigned dstWeight = dst[3] * (255 - a);
    const unsigned outWeight = srcWeight + dstWeight;
    for (int c = 0; c < 3; ++c)
        dst[c] = static_cast<std::uint8_t>((src[c] * srcWeight + dst[c] * dstWeight + outWeight / 2) /
                                           outWeight);
    dst[3] = divide255(outWeight);
}

} // namespace

Image compositeOver(const Image& base, const Image& layerRgba, int x, int y) {
    Image result = base;
    compositeOverInPlace(result, layerRgba, x, y);
    return result;
}

void compositeOverInPlace(Image& base, const Image& layerRgba, int x, int y) {
    if ((base.channels != 3 && base.channels != 4) || !base.isConsistent() || layerRgba.channels != 4 ||
        !layerRgba.isConsistent())
        return;
    const Rect covered =
        Rect{0, 0, base.width, base.height}.intersected(Rect{x, y, layerRgba.width, layerRgba.height});
    for (int by = covered.y; by < covered.bottom(); ++by) {
        const std::uint8_t* src = layerRgba.pixel(covered.x - x, by - y);
        std::uint8_t* dst = base.pixel(covered.x, by);
        if (base.channels == 3) {
            for (int i = 0; i < covered.width; ++i, src += 4, dst += 3)
                blendOverRgb(dst, src);
        } else {
            for (int i = 0; i < covered.width; ++i, src += 4, dst += 4)
                blendOverRgba(dst, src);
        }
    }
}

} // namespace limner::engine::imaging
