#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/VqModel.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/nn/ParityFixture.h"

using limner::engine::Status;
using limner::engine::ml::AutoencoderKl;
using limner::engine::ml::VqModel;
using limner::tests::ParityFixture;

namespace {

void checkMatches(const ParityFixture& f, const std::string& name, const at::Tensor& got) {
    INFO(f.report(name, got));
    CHECK(f.excess(name, got) <= 0.0);
}

} // namespace

TEST_CASE("SD VAE encodes to diffusers' latent distribution and decodes like diffusers",
          "[ml][nn][parity]") {
    const ParityFixture f("vae_kl");
    AutoencoderKl vae;
    const Status s = AutoencoderKl::load(f.config(), f.weights(), at::kCPU, at::kFloat, vae);
    INFO(s.message());
    REQUIRE(s.isOk());
    const AutoencoderKl::Posterior p = vae.encode(f.input("image"));
    checkMatches(f, "posterior_mean", p.mean);
    checkMatches(f, "posterior_std", p.std);
    checkMatches(f, "posterior_logvar", p.logvar);
    checkMatches(f, "decoded", vae.decode(f.input("latents")));
}

TEST_CASE("MoVQ encodes, quantises and decodes as the Kandinsky 2.2 pipelines call it",
          "[ml][nn][parity]") {
    const ParityFixture f("movq");
    VqModel movq;
    const Status s = VqModel::load(f.config(), f.weights(), at::kCPU, at::kFloat, movq);
    INFO(s.message());
    REQUIRE(s.isOk());
    checkMatches(f, "encoded_latents", movq.encode(f.input("image")));
    checkMatches(f, "decoded", movq.decode(f.input("latents"), true));
    const VqModel::Quantized q = movq.quantize(f.input("latents"));
    checkMatches(f, "quantized", q.latents);
    const at::Tensor expectedIndices = f.expected("quant_indices");
    CHECK(q.indices.reshape(expectedIndices.sizes()).equal(expectedIndices));
    checkMatches(f, "decoded_quantized", movq.decode(f.input("latents"), false));
}

TEST_CASE("VAE loading refuses a block type it does not implement, naming it", "[ml][nn]") {
    const ParityFixture f("vae_kl");
    nlohmann::json config = f.config();
    config["down_block_types"][0] = "KDownBlock2D";
    AutoencoderKl vae;
    const Status s = AutoencoderKl::load(config, f.weights(), at::kCPU, at::kFloat, vae);
    REQUIRE_FALSE(s.isOk());
    CHECK(s.message().find("down_block_types") != std::string::npos);
    CHECK(s.message().find("KDownBlock2D") != std::string::npos);
}
