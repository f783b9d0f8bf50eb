#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace limner::engine {

// The one image type that crosses the engine boundary: tightly packed 8-bit rows, no padding.
// channels is 1 (mask), 3 (RGB) or 4 (RGBA, not premultiplied).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<std::uint8_t> bytes;

    Image() = default;
    Image(int w, int h, int c, std::uint8_t fill = 0)
        : width(w)
        , height(h)
        , channels(c)
        , bytes(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * static_cast<std::size_t>(c),
                fill) {}

    bool empty() const { return width <= 0 || height <= 0 || bytes.empty(); }
    std::size_t stride() const {
        return static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
    }
    std::uint8_t* row(int y) { return bytes.data() + static_cast<std::size_t>(y) * stride(); }
    const std::uint8_t* row(int y) const {
        return bytes.data() + static_cast<std::size_t>(y) * stride();
    }
    std::uint8_t* pixel(int x, int y) { return row(y) + static_cast<std::size_t>(x) * channels; }
    const std::uint8_t* pixel(int x, int y) const {
        return row(y) + static_cast<std::size_t>(x) * channels;
    }
    bool isConsistent() const {
        return width >= 0 && height >= 0 && (channels == 1 || channels == 3 || channels == 4) &&
               bytes.size() == stride() * static_cast<std::size_t>(height);
    }
    bool operator==(const Image& o) const {
        return width == o.width && height == o.height && channels == o.channels && bytes == o.bytes;
    }
    bool operator!=(const Image& o) const { return !(*this == o); }
};

} // namespace limner::engine
