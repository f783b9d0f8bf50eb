#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <functional>
#include <vector>

namespace limner::engine::ml {

// Runs an autoencoder's encoder or decoder over a large region as overlapping tiles and blends
// neighbouring tiles linearly across their whole overlap, so that its working memory stays that
// of one tile of one image whatever the region's size and the batch (the idea of diffusers'
// enable_tiling). Unlike diffusers, each axis takes the fewest tiles no longer than the largest
// side, and they are sized and spread evenly to cover it with overlaps of a quarter of a tile:
// no narrow last tile (whose statistics stand out), and far less work done twice (a 1024-pixel
// side in 768-pixel tiles is two tiles of 640). Each tile is added into the result as soon as it
// is computed instead of all tiles being kept until the end.
//
// A tiled result is not the untiled one: every GroupNorm of the tiled layers takes its statistics
// over one tile. The overlaps make the change a slow drift instead of a seam. Regions no larger than a
// tile run whole, in one batch, exactly as without tiling.
//
// Only the layers between the image's resolution and the latents' are tiled: the layers at the
// latents' resolution (the mid block, with its attention) take little memory and run on the whole
// region, before the tiles when decoding and after them when encoding.
//
// Requirements: `code` maps a tile of its input to a tile of the output, scaled by the
// autoencoder's factor; what it needs besides (MoVQ's latents) it takes from the same window.
class AutoencoderTiling {
public:
    // Working bytes one tile may take when the tile size is automatic: the autoencoders of SD 1.5
    // and Kandinsky 2.2 (about 3.3 KiB per pixel in float32) run whole up to 768², as before
    // tiling existed, and in tiles of at most 768² above.
    static constexpr std::int64_t kWorkingBytes = std::int64_t{2} << 30;
    static constexpr std::int64_t kAutomatic = -1;
    static constexpr double kOverlap = 0.25; // of a tile's side, as diffusers

    // The largest tile side in image pixels, process-wide: kAutomatic (the default) for the
    // largest tile whose working memory fits kWorkingBytes, 0 to never tile, or a side in pixels
    // (rounded down to whole latent pixels). Regions wider or taller than that are tiled. For
    // benchmarks and tests; thread-safe.
    static std::int64_t tilePixels();
    static void setTilePixels(std::int64_t pixels);

    // The tiling of an autoencoder whose latent pixel is downFactor image pixels and which needs
    // about bytesPerPixel working bytes per image pixel, by the process-wide setting.
    static AutoencoderTiling forAutoencoder(std::int64_t downFactor, std::int64_t bytesPerPixel);

    // Tiles of at most largestTile latent pixels a side (0: never tiles), neighbours overlapping by
    // at least `overlap` of a tile's side (at most one half).
    AutoencoderTiling(std::int64_t downFactor, std::int64_t largestTile, double overlap = kOverlap);

    // The largest tile side in latent pixels; 0 when it never tiles.
    std::int64_t largestTile() const { return m_largest; }
    // Whether a region of latentHeight × latentWidth latent pixels is coded in tiles.
    bool tiles(std::int64_t latentHeight, std::int64_t latentWidth) const;

    // The tiles along an axis of `extent` latent pixels: their length, and their first pixels (the
    // first at 0, the last ending at extent, the others evenly between).
    struct Axis {
        std::int64_t length = 0;
        std::vector<std::int64_t> origins;
    };
    Axis axis(std::int64_t extent) const;

    // Where a tile lies: image `batch` of the input, and its rows and columns on the latent grid;
    // or the whole input when it is not tiled.
    struct Window {
        bool whole = true;
        std::int64_t batch = 0, top = 0, left = 0, height = 0, width = 0;
        // The same window of another tensor on the latent grid, [batch, channels, h, w] (itself
        // when whole).
        at::Tensor of(const at::Tensor& latentGrid) const;
    };
    // Codes one tile (a copy the code may consume) lying at the window.
    using Code = std::function<at::Tensor(const at::Tensor& tile, const Window& window)>;

    // features [batch, channels, h, w] on the latent grid → code(tile) blended, [batch, c', f·h,
    // f·w]: the decoder's layers past the latents' resolution.
    at::Tensor decode(const at::Tensor& features, const Code& code) const;
    // image [batch, channels, f·h, f·w] → code(tile) blended, [batch, c', h, w]: the encoder's
    // layers down to the latents' resolution.
    at::Tensor encode(const at::Tensor& image, const Code& code) const;

private:
    at::Tensor run(const at::Tensor& input, std::int64_t latentHeight, std::int64_t latentWidth,
                   std::int64_t inScale, std::int64_t outScale, const Code& code) const;
    // Each tile's weights along an axis, in output pixels, summing to 1 at every pixel.
    static std::vector<at::Tensor> weights(const Axis& axis, std::int64_t extent,
                                           std::int64_t outScale);

    std::int64_t m_factor = 8;
    std::int64_t m_largest = 0;
    double m_overlap = kOverlap;
};

} // namespace limner::engine::ml
