#include "engine/ml/nn/AutoencoderTiling.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <atomic>
#include <cmath>

namespace limner::engine::ml {

namespace {

std::atomic<std::int64_t> g_tilePixels{AutoencoderTiling::kAutomatic};

// The smallest tile side: overlaps of a whole latent pixel still leave a stride of one.
constexpr std::int64_t kSmallestTile = 4;

// The overlap of tiles `length` long.
std::int64_t overlapOf(std::int64_t length, double overlap) {
    return static_cast<std::int64_t>(std::ceil(overlap * static_cast<double>(length)));
}

// The extent `count` tiles `length` long cover when they overlap as required.
std::int64_t coverage(std::int64_t count, std::int64_t length, double overlap) {
    return count * length - (count - 1) * overlapOf(length, overlap);
}

} // namespace

std::int64_t AutoencoderTiling::tilePixels() {
    return g_tilePixels.load(std::memory_order_relaxed);
}

void AutoencoderTiling::setTilePixels(std::int64_t pixels) {
    g_tilePixels.store(pixels < 0 ? kAutomatic : pixels, std::memory_order_relaxed);
}

AutoencoderTiling AutoencoderTiling::forAutoencoder(std::int64_t downFactor,
                                                    std::int64_t bytesPerPixel) {
    const std::int64_t pixels = tilePixels();
    if (pixels >= 0)
        return AutoencoderTiling(downFactor, pixels / downFactor);
    const double side =
        std::sqrt(static_cast<double>(kWorkingBytes) / static_cast<double>(bytesPerPixel));
    return AutoencoderTiling(downFactor, static_cast<std::int64_t>(side) / downFactor);
}

AutoencoderTiling::AutoencoderTiling(std::int64_t downFactor, std::int64_t largestTile, double overlap)
    : m_factor(downFactor)
    , m_largest(largestTile > 0 ? std::max(largestTile, kSmallestTile) : 0)
    , m_overlap(std::clamp(overlap, 0.0, 0.5)) {}

bool AutoencoderTiling::tiles(std::int64_t latentHeight, std::int64_t latentWidth) const {
    return m_largest > 0 && (latentHeight > m_largest || latentWidth > m_largest);
}

AutoencoderTiling::Axis AutoencoderTiling::axis(std::int64_t extent) const {
    if (m_largest <= 0 || extent <= m_largest)
        return {extent, {0}};
    std::int64_t count = 2;
    while (coverage(count, m_largest, m_overlap) < extent)
        ++count;
    // The shortest tiles that still cover the axis: less work is done twice.
    auto length = static_cast<std::int64_t>(
        static_cast<double>(extent) /
        (static_cast<double>(count) - static_cast<double>(count - 1) * m_overlap));
    while (coverage(count, length, m_overlap) < extent)
        ++length;
    Axis a;
    a.length = length;
    for (std::int64_t i = 0; i < count; ++i)
        a.origins.push_back((i * (extent - length) + (count - 1) / 2) / (count - 1));
    return a;
}

std::vector<at::Tensor> AutoencoderTiling::weights(const Axis& axis, std::int64_t extent,
                                                   std::int64_t outScale) {
    const std::vector<std::int64_t>& origins = axis.origins;
    const std::int64_t length = axis.length * outScale;
    const std::size_t count = origins.size();
    std::vector<std::vector<double>> weights(count, std::vector<double>(length, 1.0));
    for (std::size_t i = 0; i + 1 < count; ++i) {
        // Across the overlap of tiles i and i + 1 the first fades out as the second fades in,
        // sampled at pixel centres so that neither weight reaches 0 or 1 inside the overlap.
        const std::int64_t start = (origins[i + 1] - origins[i]) * outScale;
        const std::int64_t overlap = length - start;
        for (std::int64_t j = 0; j < overlap; ++j) {
            const double rise = (static_cast<double>(j) + 0.5) / static_cast<double>(overlap);
            double& out = weights[i][start + j];
            out = std::min(out, 1.0 - rise);
            double& in = weights[i + 1][j];
            in = std::min(in, rise);
        }
    }
    // Where three tiles meet (rounding can make overlaps pass half a tile) the ramps do not sum
    // to 1 by themselves.
    std::vector<double> sum(extent * outScale, 0.0);
    for (std::size_t i = 0; i < count; ++i)
        for (std::int64_t j = 0; j < length; ++j)
            sum[origins[i] * outScale + j] += weights[i][j];
    std::vector<at::Tensor> out;
    for (std::size_t i = 0; i < count; ++i) {
        std::vector<float> normalised(length);
        for (std::int64_t j = 0; j < length; ++j)
            normalised[j] = static_cast<float>(weights[i][j] / sum[origins[i] * outScale + j]);
        out.push_back(at::tensor(normalised));
    }
    return out;
}

at::Tensor AutoencoderTiling::Window::of(const at::Tensor& latentGrid) const {
    if (whole)
        return latentGrid;
    return latentGrid.slice(0, batch, batch + 1)
        .slice(2, top, top + height)
        .slice(3, left, left + width);
}

at::Tensor AutoencoderTiling::decode(const at::Tensor& features, const Code& code) const {
    return run(features, features.size(2), features.size(3), 1, m_factor, code);
}

at::Tensor AutoencoderTiling::encode(const at::Tensor& image, const Code& code) const {
    TORCH_CHECK(image.size(2) % m_factor == 0 && image.size(3) % m_factor == 0,
                "an image to encode in tiles must have sides that are multiples of ", m_factor,
                ", got ", image.sizes());
    return run(image, image.size(2) / m_factor, image.size(3) / m_factor, m_factor, 1, code);
}

at::Tensor AutoencoderTiling::run(const at::Tensor& input, std::int64_t latentHeight,
                                  std::int64_t latentWidth, std::int64_t inScale, std::int64_t outScale,
                                  const Code& code) const {
    if (!tiles(latentHeight, latentWidth))
        return code(input, Window{});
    const Axis rows = axis(latentHeight), columns = axis(latentWidth);
    const std::vector<at::Tensor> rowWeights = weights(rows, latentHeight, outScale);
    const std::vector<at::Tensor> columnWeights = weights(columns, latentWidth, outScale);
    const std::int64_t tileHeight = rows.length * outScale, tileWidth = columns.length * outScale;
    at::Tensor sum; // float32 whatever the autoencoder's type: a few terms per pixel, summed once
    c10::ScalarType codedType = input.scalar_type();
    // One image at a time: a batch of candidates costs one tile of one image too.
    for (std::int64_t b = 0; b < input.size(0); ++b) {
        for (std::size_t r = 0; r < rows.origins.size(); ++r) {
            for (std::size_t c = 0; c < columns.origins.size(); ++c) {
                const std::int64_t y = rows.origins[r], x = columns.origins[c];
                // A copy: the tiles overlap, and a layer may write over an input it owns.
                const at::Tensor tile = input.slice(0, b, b + 1)
                                            .slice(2, y * inScale, (y + rows.length) * inScale)
                                            .slice(3, x * inScale, (x + columns.length) * inScale)
                                            .clone();
                const at::Tensor coded =
                    code(tile, Window{false, b, y, x, rows.length, columns.length});
                TORCH_CHECK(coded.dim() == 4 && coded.size(0) == 1 && coded.size(2) == tileHeight &&
                                coded.size(3) == tileWidth,
                            "a tile of ", tile.sizes(), " was coded into ", coded.sizes());
                if (!sum.defined()) {
                    codedType = coded.scalar_type();
                    sum = at::zeros(
                        {input.size(0), coded.size(1), latentHeight * outScale, latentWidth * outScale},
                        coded.options().dtype(at::kFloat));
                }
                at::Tensor weighted =
                    coded.to(at::kFloat) * rowWeights[r].to(sum.options()).view({1, 1, tileHeight, 1});
                weighted.mul_(columnWeights[c].to(sum.options()).view({1, 1, 1, tileWidth}));
                sum.slice(0, b, b + 1)
                    .slice(2, y * outScale, y * outScale + tileHeight)
                    .slice(3, x * outScale, x * outScale + tileWidth)
                    .add_(weighted);
            }
        }
    }
    return sum.to(codedType);
}

} // namespace limner::engine::ml
