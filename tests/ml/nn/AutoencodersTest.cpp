#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/VqModel.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/nn/ParityFixture.h"

#include <cstring>

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

TEST_CASE("A VAE saved by diffusers 0.6 (query/key/value/proj_attn as 1x1 convolutions) decodes "
          "like today's",
          "[ml][nn]") {
    const ParityFixture f("vae_kl");
    limner::engine::ml::StateDict legacy;
    const std::pair<const char*, const char*> renames[] = {{".to_q.", ".query."},
                                                           {".to_k.", ".key."},
                                                           {".to_v.", ".value."},
                                                           {".to_out.0.", ".proj_attn."}};
    for (const auto& [name, tensor] : f.weights()) {
        std::string old = name;
        at::Tensor value = tensor;
        for (const auto& [now, then] : renames) {
            const std::size_t at = old.find(now);
            if (at == std::string::npos)
                continue;
            old.replace(at, std::strlen(now), then);
            if (value.dim() == 2)
                value = value.view({value.size(0), value.size(1), 1, 1});
        }
        legacy.emplace(old, value);
    }
    REQUIRE(legacy.count("decoder.mid_block.attentions.0.proj_attn.weight") == 1);
    AutoencoderKl vae;
    const Status s = AutoencoderKl::load(f.config(), legacy, at::kCPU, at::kFloat, vae);
    INFO(s.message());
    REQUIRE(s.isOk());
    checkMatches(f, "decoded", vae.decode(f.input("latents")));
}
