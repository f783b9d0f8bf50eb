#include "engine/ml/nn/UNet2DConditionModel.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/nn/ParityFixture.h"

using limner::engine::Status;
using limner::engine::ml::UNet2DConditionModel;
using limner::tests::ParityFixture;

namespace {

void checkMatches(const ParityFixture& f, const std::string& name, const at::Tensor& got) {
    INFO(f.report(name, got));
    CHECK(f.excess(name, got) <= 0.0);
}

} // namespace

TEST_CASE("SD inpainting UNet predicts the noise diffusers predicts", "[ml][nn][parity]") {
    const ParityFixture f("unet_sd_inpaint");
    UNet2DConditionModel unet;
    const Status s = UNet2DConditionModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, unet);
    INFO(s.message());
    REQUIRE(s.isOk());
    checkMatches(f, "sample",
                 unet.forward(f.input("sample"), f.input("timestep"), f.input("encoder_hidden_states"),
                              at::Tensor()));
}

TEST_CASE("Kandinsky 2.2 inpainting UNet predicts what diffusers predicts from image embeddings",
          "[ml][nn][parity]") {
    const ParityFixture f("unet_kandinsky22_inpaint");
    UNet2DConditionModel unet;
    const Status s = UNet2DConditionModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, unet);
    INFO(s.message());
    REQUIRE(s.isOk());
    checkMatches(
        f, "sample",
        unet.forward(f.input("sample"), f.input("timestep"), at::Tensor(), f.input("image_embeds")));
}

TEST_CASE("UNet loading refuses class embeddings instead of running a different model", "[ml][nn]") {
    const ParityFixture f("unet_sd_inpaint");
    nlohmann::json config = f.config();
    config["class_embed_type"] = "timestep";
    UNet2DConditionModel unet;
    const Status s = UNet2DConditionModel::load(config, f.weights(), at::kCPU, at::kFloat, unet);
    REQUIRE_FALSE(s.isOk());
    CHECK(s.message().find("class_embed_type") != std::string::npos);
    CHECK(s.message().find("timestep") != std::string::npos);
}

TEST_CASE("UNet runs on latents whose size is not a multiple of its down factor", "[ml][nn]") {
    const ParityFixture f("unet_sd_inpaint");
    UNet2DConditionModel unet;
    REQUIRE(UNet2DConditionModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, unet).isOk());
    const at::Tensor sample = at::randn({1, unet.inChannels(), 13, 10});
    const at::Tensor context = f.input("encoder_hidden_states").slice(0, 0, 1);
    const at::Tensor out = unet.forward(sample, at::full({1}, 500, at::kLong), context, at::Tensor());
    CHECK(out.sizes() == at::IntArrayRef({1, unet.outChannels(), 13, 10}));
    CHECK(out.isfinite().all().item<bool>());
}
