#include "engine/ml/nn/PriorTransformer.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK
#include "tests/ml/nn/ParityFixture.h"

using limner::engine::Status;
using limner::engine::ml::PriorTransformer;
using limner::tests::ParityFixture;

TEST_CASE("Diffusion prior predicts diffusers' image embedding with and without a text mask",
          "[ml][nn][parity]") {
    const ParityFixture f("prior");
    PriorTransformer prior;
    const Status s = PriorTransformer::load(f.config(), f.weights(), at::kCPU, at::kFloat, prior);
    INFO(s.message());
    REQUIRE(s.isOk());
    const at::Tensor masked =
        prior.forward(f.input("hidden_states"), f.input("timestep"), f.input("proj_embedding"),
                      f.input("encoder_hidden_states"), f.input("attention_mask"));
    const at::Tensor unmasked =
        prior.forward(f.input("hidden_states"), f.input("timestep"), f.input("proj_embedding"),
                      f.input("encoder_hidden_states"), at::Tensor());
    for (const auto& [name, got] :
         {std::pair<std::string, at::Tensor>{"predicted_image_embedding", masked},
          {"predicted_image_embedding_nomask", unmasked},
          {"post_processed", prior.postProcessLatents(masked)}}) {
        INFO(f.report(name, got));
        CHECK(f.excess(name, got) <= 0.0);
    }
}
