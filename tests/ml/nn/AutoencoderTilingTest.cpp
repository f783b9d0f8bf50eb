#include "engine/ml/nn/AutoencoderTiling.h"

#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/VqModel.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/nn/ParityFixture.h"

#include <c10/core/InferenceMode.h>
#include <cmath>
#include <functional>

using limner::engine::Status;
using limner::engine::ml::AutoencoderKl;
using limner::engine::ml::AutoencoderTiling;
using limner::engine::ml::VqModel;
using limner::tests::ParityFixture;

namespace {

// Sets the process-wide tile size for one scope.
class TileSetting {
public:
    explicit TileSetting(std::int64_t pixels)
        : m_saved(AutoencoderTiling::tilePixels()) {
        AutoencoderTiling::setTilePixels(pixels);
    }
    ~TileSetting() { AutoencoderTiling::setTilePixels(m_saved); }
    TileSetting(const TileSetting&) = delete;
    TileSetting& operator=(const TileSetting&) = delete;

private:
    std::int64_t m_saved;
};

// PSNR of `got` against `reference` over the reference's peak-to-peak range.
double psnr(const at::Tensor& got, const at::Tensor& reference) {
    const double range = (reference.max() - reference.min()).item<double>();
    const double mse = (got.to(at::kDouble) - reference.to(at::kDouble)).square().mean().item<double>();
    return 10 * std::log10(range * range / mse);
}

// A smooth latent field: a slow wave of about one period across the region in every channel.
at::Tensor smoothLatents(std::int64_t channels, std::int64_t height, std::int64_t width) {
    const at::Tensor y = at::arange(height, at::kFloat).view({1, 1, height, 1}) / height;
    const at::Tensor x = at::arange(width, at::kFloat).view({1, 1, 1, width}) / width;
    const at::Tensor c = at::arange(channels, at::kFloat).view({1, channels, 1, 1});
    return 1.5 * at::sin(2 * M_PI * (0.8 * y + 1.1 * x) + c) +
           0.5 * at::cos(2 * M_PI * (x - y) + 2 * c);
}

// The mean absolute step between neighbouring columns of an image [batch, channels, H, W]: one
// value for each of the W - 1 steps.
at::Tensor columnSteps(const at::Tensor& image) {
    const std::int64_t w = image.size(3);
    return (image.slice(3, 1, w) - image.slice(3, 0, w - 1)).abs().mean(at::IntArrayRef{0, 1, 2});
}

// The largest ratio of the step across a tile border (between columns b - 1 and b, where a tile
// begins or ends) to the largest step of the same phase (every `factor` columns, as the
// decoder's nearest upsampling repeats) among its neighbours up to 4·factor columns away.
double worstBorderRatio(const at::Tensor& image, const std::vector<std::int64_t>& borders,
                        std::int64_t factor) {
    const at::Tensor steps = columnSteps(image).to(at::kDouble);
    const std::int64_t count = steps.size(0);
    double worst = 0;
    for (const std::int64_t b : borders) {
        const std::int64_t at = b - 1;
        if (at < 0 || at >= count)
            continue;
        double neighbours = 0;
        for (std::int64_t k = 1; k <= 4; ++k) {
            for (const std::int64_t j : {at - k * factor, at + k * factor})
                if (j >= 0 && j < count)
                    neighbours = std::max(neighbours, steps[j].item<double>());
        }
        worst = std::max(worst, steps[at].item<double>() / neighbours);
    }
    return worst;
}

// Where tiles begin and end along an axis, in image pixels.
std::vector<std::int64_t> tileBorders(const AutoencoderTiling& tiling, std::int64_t latentExtent) {
    std::vector<std::int64_t> borders;
    const std::int64_t f = 2; // the fixtures' autoencoders halve the picture once
    const AutoencoderTiling::Axis axis = tiling.axis(latentExtent);
    for (const std::int64_t o : axis.origins) {
        borders.push_back(o * f);
        borders.push_back((o + axis.length) * f);
    }
    return borders;
}

struct SeamFigures {
    double psnr = 0;
    double worstColumnRatio = 0, worstRowRatio = 0;
};

// How a decode in tiles differs from the whole one, and how its steps across tile borders compare
// with the steps around them.
SeamFigures seamFigures(const at::Tensor& tiled, const at::Tensor& whole,
                        const AutoencoderTiling& tiling) {
    SeamFigures s;
    s.psnr = psnr(tiled, whole);
    s.worstColumnRatio = worstBorderRatio(tiled, tileBorders(tiling, tiled.size(3) / 2), 2);
    s.worstRowRatio =
        worstBorderRatio(tiled.transpose(2, 3), tileBorders(tiling, tiled.size(2) / 2), 2);
    return s;
}

} // namespace

TEST_CASE("Autoencoder tiles cover a region with the fewest tiles, overlapping by a quarter, "
          "and blend to exactly 1",
          "[ml][nn][tiling]") {
    const AutoencoderTiling tiling(8, 64);
    for (const std::int64_t extent : {1, 64, 65, 100, 112, 113, 128, 150, 333}) {
        INFO("extent " << extent);
        const AutoencoderTiling::Axis a = tiling.axis(extent);
        CHECK(a.length <= 64);
        CHECK(a.origins.front() == 0);
        CHECK(a.origins.back() + a.length == extent);
        for (std::size_t i = 0; i + 1 < a.origins.size(); ++i) {
            CHECK(a.origins[i + 1] > a.origins[i]);
            CHECK(4 * (a.origins[i] + a.length - a.origins[i + 1]) >= a.length);
        }
        // One tile fewer would not cover the axis with tiles of the largest side.
        const auto count = static_cast<std::int64_t>(a.origins.size());
        CHECK((count == 1 || (count - 1) * 64 - (count - 2) * 16 < extent));
    }
    CHECK(tiling.axis(128).origins.size() == 3);
    CHECK_FALSE(tiling.tiles(64, 64));
    CHECK(tiling.tiles(64, 65));
    CHECK_FALSE(AutoencoderTiling(8, 0).tiles(1000, 1000));

    // A coder that works pixel by pixel gives the same result in tiles as whole, wherever two or
    // three tiles meet, if and only if the blend weights sum to 1 at every pixel.
    at::manual_seed(3);
    const AutoencoderTiling::Code upscale = [](const at::Tensor& z, const AutoencoderTiling::Window&) {
        return 3 * at::tanh(at::upsample_nearest2d(z, {8 * z.size(2), 8 * z.size(3)}));
    };
    const at::Tensor latents = at::randn({2, 4, 113, 150});
    const at::Tensor decoded = tiling.decode(latents, upscale);
    REQUIRE(decoded.sizes() == at::IntArrayRef({2, 4, 904, 1200}));
    CHECK(at::allclose(decoded, upscale(latents, {}), 0, 1e-5));
    const AutoencoderTiling::Code downscale = [](const at::Tensor& x,
                                                 const AutoencoderTiling::Window&) {
        return at::avg_pool2d(x, {8, 8}) * 2;
    };
    const at::Tensor image = at::randn({1, 3, 8 * 113, 8 * 70});
    const at::Tensor encoded = tiling.encode(image, downscale);
    REQUIRE(encoded.sizes() == at::IntArrayRef({1, 3, 113, 70}));
    CHECK(at::allclose(encoded, downscale(image, {}), 0, 1e-5));
}

TEST_CASE("Autoencoders code regions up to their tile size exactly as without tiles",
          "[ml][nn][tiling]") {
    c10::InferenceMode inference;
    at::manual_seed(4);
    const at::Tensor latents = at::randn({2, 4, 24, 20});
    const at::Tensor image = at::rand({1, 3, 48, 40}) * 2 - 1;
    SECTION("SD VAE") {
        const ParityFixture f("vae_kl");
        AutoencoderKl vae;
        REQUIRE(AutoencoderKl::load(f.config(), f.weights(), at::kCPU, at::kFloat, vae).isOk());
        at::Tensor decoded, mean, logvar;
        {
            TileSetting never(0);
            decoded = vae.decode(latents);
            const AutoencoderKl::Posterior p = vae.encode(image);
            mean = p.mean;
            logvar = p.logvar;
        }
        for (const std::int64_t tile : {AutoencoderTiling::kAutomatic, std::int64_t{48}}) {
            INFO("tile " << tile);
            TileSetting setting(tile);
            CHECK(at::equal(vae.decode(latents), decoded));
            const AutoencoderKl::Posterior p = vae.encode(image);
            CHECK(at::equal(p.mean, mean));
            CHECK(at::equal(p.logvar, logvar));
        }
    }
    SECTION("MoVQ") {
        const ParityFixture f("movq");
        VqModel movq;
        REQUIRE(VqModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, movq).isOk());
        at::Tensor decoded, encoded;
        {
            TileSetting never(0);
            decoded = movq.decode(latents, true);
            encoded = movq.encode(image);
        }
        for (const std::int64_t tile : {AutoencoderTiling::kAutomatic, std::int64_t{48}}) {
            INFO("tile " << tile);
            TileSetting setting(tile);
            CHECK(at::equal(movq.decode(latents, true), decoded));
            CHECK(at::equal(movq.encode(image), encoded));
        }
    }
}

TEST_CASE("Autoencoders at their default settings keep SD's and Kandinsky's usual sizes whole",
          "[ml][nn][tiling]") {
    // Tiling changes the picture a little: the sizes people run most must not pay for it.
    TileSetting automatic(AutoencoderTiling::kAutomatic);
    const AutoencoderTiling t = AutoencoderTiling::forAutoencoder(8, 7 * 128 * 4); // float32
    CHECK_FALSE(t.tiles(768 / 8, 768 / 8));
    CHECK(t.tiles(1024 / 8, 1024 / 8));
    CHECK(t.axis(1024 / 8).origins.size() == 2);
}

TEST_CASE("A smooth latent field decoded in tiles shows no seams and stays close to the whole "
          "decode",
          "[ml][nn][tiling]") {
    c10::InferenceMode inference;
    const at::Tensor latents = smoothLatents(4, 96, 80);
    // Tiles of at most 32 latent pixels (64 image pixels) overlapping by a quarter: four rows of
    // 30, three columns of 32.
    const AutoencoderTiling blended(2, 32);
    const AutoencoderTiling cut(2, 32, 0.0); // tiles side by side, no overlap: seams
    std::function<at::Tensor(const AutoencoderTiling&)> decode;
    VqModel movq;
    AutoencoderKl vae;
    SECTION("SD VAE") {
        const ParityFixture f("vae_kl");
        REQUIRE(AutoencoderKl::load(f.config(), f.weights(), at::kCPU, at::kFloat, vae).isOk());
        decode = [&](const AutoencoderTiling& t) {
            return vae.decode(latents, t);
        };
    }
    SECTION("MoVQ: each tile's spatial norms conditioned on its own latents") {
        const ParityFixture f("movq");
        REQUIRE(VqModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, movq).isOk());
        decode = [&](const AutoencoderTiling& t) {
            return movq.decode(latents, true, t);
        };
    }
    const at::Tensor whole = decode(AutoencoderTiling(2, 0));
    const SeamFigures b = seamFigures(decode(blended), whole, blended);
    const SeamFigures c = seamFigures(decode(cut), whole, cut);
    INFO("blended: PSNR " << b.psnr << " dB, border/neighbour steps " << b.worstColumnRatio
                          << " (columns), " << b.worstRowRatio << " (rows); cut: PSNR " << c.psnr
                          << " dB, " << c.worstColumnRatio << ", " << c.worstRowRatio);
    // A tile of these fixtures sees a third of a wave, and their GroupNorms normalise groups of one
    // to eight channels over it: measured 21.8 dB (SD) and 25.0 dB (MoVQ), 19.4 and
    // 23.4 dB without overlaps; a MoVQ whose tiles were conditioned on the whole latents gives
    // 17.9 dB. (Trained weights: see MiniAutoencoderTilingTest.)
    CHECK(b.psnr >= 20.0);
    CHECK(b.psnr > c.psnr);
    // No step across a border is larger than the steps around it (measured at most 1.02 times
    // the largest of them); without overlaps the borders stand out (2.2 and 2.4 times).
    CHECK(b.worstColumnRatio <= 1.2);
    CHECK(b.worstRowRatio <= 1.2);
    // The seam measure sees seams where there are some.
    CHECK(std::max(c.worstColumnRatio, c.worstRowRatio) > 1.5);
}
