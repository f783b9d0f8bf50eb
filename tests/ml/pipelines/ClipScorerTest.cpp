#include "engine/ml/pipelines/ClipScorer.h"

#include "engine/ml/pipelines/ImageTensor.h"
#include "engine/ml/pipelines/KandinskyPrior.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

#include <c10/core/InferenceMode.h>

using limner::engine::Image;
using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;

namespace {

Image gradient(int width, int height) {
    Image image(width, height, 3);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = image.pixel(x, y);
            p[0] = static_cast<std::uint8_t>(255 * x / (width - 1));
            p[1] = static_cast<std::uint8_t>(255 * y / (height - 1));
            p[2] = static_cast<std::uint8_t>(128);
        }
    }
    return image;
}

} // namespace

TEST_CASE("ClipScorer gives the cosine of the prior's CLIP image and text embeddings",
          "[ml][pipelines]") {
    const std::string folder = PipelineTestFolders::kandinskyWithPrior();
    ClipScorer scorer;
    const Status loaded = ClipScorer::load(folder, scorer);
    INFO(loaded.message());
    REQUIRE(loaded.isOk());
    REQUIRE(scorer.isLoaded());

    const Image picture = gradient(48, 40);
    const std::vector<std::string> prompts{"a small red star", "a big blue circle", "a small red star"};
    std::vector<double> scores;
    REQUIRE(scorer.score(picture, prompts, scores).isOk());
    REQUIRE(scores.size() == 3);
    for (double s : scores) {
        CHECK(s >= -1.0);
        CHECK(s <= 1.0);
    }
    CHECK(scores[0] == scores[2]); // the same text, cached or not
    CHECK(scores[0] != scores[1]);

    // The same numbers from the prior's own towers.
    PipelineFolder pipelineFolder;
    REQUIRE(PipelineFolder::open(folder, pipelineFolder).isOk());
    KandinskyPrior prior;
    bool found = false;
    REQUIRE(KandinskyPrior::load(pipelineFolder, c10::kCPU, c10::kFloat, found, prior).isOk());
    REQUIRE(found);
    c10::InferenceMode inference;
    const at::Tensor image = prior.imageEmbedding(ImageTensor::fromImage(picture))[0];
    for (std::size_t i = 0; i < 2; ++i) {
        const at::Tensor text = prior.textEmbedding(prompts[i])[0];
        const double expected = at::cosine_similarity(image, text, 0).item<double>();
        CHECK(scores[i] == Approx(expected).margin(1e-5));
    }

    // RGBA: the alpha channel is ignored.
    Image rgba(picture.width, picture.height, 4, 255);
    for (int y = 0; y < picture.height; ++y) {
        for (int x = 0; x < picture.width; ++x) {
            std::copy(picture.pixel(x, y), picture.pixel(x, y) + 3, rgba.pixel(x, y));
            rgba.pixel(x, y)[3] = static_cast<std::uint8_t>(x);
        }
    }
    std::vector<double> fromRgba;
    REQUIRE(scorer.score(rgba, prompts, fromRgba).isOk());
    CHECK(fromRgba[0] == Approx(scores[0]).margin(1e-6));
}

TEST_CASE("ClipScorer refuses folders without a prior and pictures it cannot read", "[ml][pipelines]") {
    ClipScorer scorer;
    std::vector<double> scores;
    CHECK(scorer.score(gradient(8, 8), {"a hat"}, scores).code() == Status::Code::BadInput);

    const Status decoderOnly = ClipScorer::load(PipelineTestFolders::kandinskyDecoder(), scorer);
    CHECK(decoderOnly.code() == Status::Code::NotFound);
    CHECK(decoderOnly.message().find("prior") != std::string::npos);
    CHECK_FALSE(scorer.isLoaded());
    CHECK_FALSE(ClipScorer::load(PipelineTestFolders::parityDir() + "/no-such-model", scorer).isOk());

    REQUIRE(ClipScorer::load(PipelineTestFolders::kandinskyWithPrior(), scorer).isOk());
    CHECK(scorer.score(Image(16, 16, 1), {"a hat"}, scores).code() == Status::Code::BadInput);
    CHECK(scorer.score(Image(), {"a hat"}, scores).code() == Status::Code::BadInput);
}
