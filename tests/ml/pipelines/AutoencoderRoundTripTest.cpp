#include "engine/ml/pipelines/AutoencoderRoundTrip.h"

#include "engine/ml/nn/VqModel.h"
#include "engine/ml/pipelines/ImageTensor.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

#include <c10/core/InferenceMode.h>

using limner::engine::Image;
using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;

namespace {

Image rings(int width, int height) {
    Image image(width, height, 3);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = image.pixel(x, y);
            p[0] = static_cast<std::uint8_t>((x * x + y * y) % 256);
            p[1] = static_cast<std::uint8_t>(255 * y / (height - 1));
            p[2] = static_cast<std::uint8_t>(x % 2 ? 40 : 220);
        }
    }
    return image;
}

} // namespace

TEST_CASE("AutoencoderRoundTrip encodes and decodes a picture as the Kandinsky pipeline does",
          "[ml][pipelines]") {
    const std::string folder = PipelineTestFolders::kandinskyDecoder();
    AutoencoderRoundTrip autoencoder;
    const Status loaded = AutoencoderRoundTrip::load(folder, autoencoder);
    INFO(loaded.message());
    REQUIRE(loaded.isOk());
    REQUIRE(autoencoder.isLoaded());

    const Image picture = rings(32, 24);
    Image decoded;
    REQUIRE(autoencoder.run(picture, decoded).isOk());
    REQUIRE(decoded.width == 32);
    REQUIRE(decoded.height == 24);
    REQUIRE(decoded.channels == 3);

    // The same pixels from the folder's VQModel: decode(encode(2x - 1), unquantised).
    PipelineFolder pipelineFolder;
    REQUIRE(PipelineFolder::open(folder, pipelineFolder).isOk());
    nlohmann::json config;
    REQUIRE(pipelineFolder.readJson("movq", "config.json", config).isOk());
    StateDict weights;
    REQUIRE(pipelineFolder.loadWeights("movq", c10::kCPU, c10::kFloat, weights).isOk());
    VqModel movq;
    REQUIRE(VqModel::load(config, weights, c10::kCPU, c10::kFloat, movq).isOk());
    c10::InferenceMode inference;
    const at::Tensor x = ImageTensor::fromImage(picture);
    const Image expected =
        ImageTensor::toImage((movq.decode(movq.encode(x * 2 - 1), true) * 0.5 + 0.5).clamp(0, 1));
    CHECK(decoded.bytes == expected.bytes);

    // RGBA: the alpha channel is ignored.
    Image rgba(picture.width, picture.height, 4, 255);
    for (int y = 0; y < picture.height; ++y) {
        for (int x0 = 0; x0 < picture.width; ++x0) {
            std::copy(picture.pixel(x0, y), picture.pixel(x0, y) + 3, rgba.pixel(x0, y));
            rgba.pixel(x0, y)[3] = static_cast<std::uint8_t>(x0);
        }
    }
    Image fromRgba;
    REQUIRE(autoencoder.run(rgba, fromRgba).isOk());
    CHECK(fromRgba.bytes == decoded.bytes);
}

TEST_CASE("AutoencoderRoundTrip refuses folders without movq and pictures it cannot code",
          "[ml][pipelines]") {
    AutoencoderRoundTrip autoencoder;
    Image out;
    CHECK(autoencoder.run(rings(8, 8), out).code() == Status::Code::BadInput);
    CHECK_FALSE(
        AutoencoderRoundTrip::load(PipelineTestFolders::parityDir() + "/no-such-model", autoencoder)
            .isOk());
    CHECK_FALSE(autoencoder.isLoaded());

    REQUIRE(AutoencoderRoundTrip::load(PipelineTestFolders::kandinskyDecoder(), autoencoder).isOk());
    CHECK(autoencoder.run(Image(16, 16, 1), out).code() == Status::Code::BadInput);
    CHECK(autoencoder.run(Image(), out).code() == Status::Code::BadInput);
    const Status odd = autoencoder.run(rings(33, 24), out); // not a multiple of the factor
    CHECK(odd.code() == Status::Code::BadInput);
    CHECK(odd.message().find("multiples of") != std::string::npos);
    CHECK(out.empty());
}
