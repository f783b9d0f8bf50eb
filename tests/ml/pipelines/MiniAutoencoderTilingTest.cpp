// Autoencoder tiles on trained weights: limner-mini's MoVQ (resources/models/limner-mini) codes a
// picture of its own world in tiles and whole. Random weights say whether tiles have seams; only
// trained ones say how much a person would see.
#include "engine/core/Image.h"
#include "engine/ml/nn/AutoencoderTiling.h"
#include "engine/ml/pipelines/AutoencoderRoundTrip.h"
#include "engine/ml/train/World.h"
#include "tests/ml/CatchWithTorch.h"

#include <cmath>
#include <cstring>

using limner::engine::Image;
using limner::engine::Status;
using namespace limner::engine::ml;
namespace world = limner::engine::ml::train;

namespace {

const std::string kFolder = LIMNER_SOURCE_DIR "/resources/models/limner-mini";

// `side` × `side` scenes of the evaluation stream side by side: a picture larger than the
// 128-pixel scenes the model learnt from, as an editor's region is larger than a model's size.
Image mosaic(int side) {
    const int s = world::kSceneSide;
    Image image(side * s, side * s, 3);
    for (int i = 0; i < side * side; ++i) {
        const std::vector<std::uint8_t> rgb = world::render(world::makeScene(2, i));
        const int top = (i / side) * s, left = (i % side) * s;
        for (int y = 0; y < s; ++y)
            std::memcpy(image.pixel(left, top + y), rgb.data() + static_cast<std::size_t>(y) * s * 3,
                        static_cast<std::size_t>(s) * 3);
    }
    return image;
}

double psnr(const Image& a, const Image& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.bytes.size(); ++i) {
        const double d = static_cast<double>(a.bytes[i]) - static_cast<double>(b.bytes[i]);
        sum += d * d;
    }
    return 10 * std::log10(255.0 * 255.0 / (sum / static_cast<double>(a.bytes.size())));
}

Image roundTrip(const AutoencoderRoundTrip& autoencoder, const Image& picture,
                std::int64_t tilePixels) {
    const std::int64_t saved = AutoencoderTiling::tilePixels();
    AutoencoderTiling::setTilePixels(tilePixels);
    Image out;
    const Status s = autoencoder.run(picture, out);
    AutoencoderTiling::setTilePixels(saved);
    INFO(s.message());
    REQUIRE(s.isOk());
    return out;
}

} // namespace

TEST_CASE("A picture coded in tiles by the trained autoencoder loses little more than coded whole",
          "[ml][mini][tiling]") {
    AutoencoderRoundTrip autoencoder;
    REQUIRE(AutoencoderRoundTrip::load(kFolder, autoencoder).isOk());
    const Image picture = mosaic(3); // 384²: 48² latents
    const Image whole = roundTrip(autoencoder, picture, 0);
    for (const std::int64_t tile : {256, 128}) {
        const Image tiled = roundTrip(autoencoder, picture, tile);
        const double own = psnr(whole, picture), withTiles = psnr(tiled, picture),
                     apart = psnr(tiled, whole);
        INFO("tiles of " << tile << " px: whole vs picture " << own << " dB, tiled vs picture "
                         << withTiles << " dB, tiled vs whole " << apart << " dB");
        // The tiles' GroupNorm statistics (the tiled layers normalise over one tile) change the
        // picture less than the autoencoder itself does, and do not make it worse.
        CHECK(apart > own);
        CHECK(withTiles >= own - 0.5);
    }
}
