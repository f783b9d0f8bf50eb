#include "engine/ml/nn/Linear.h"

#include "engine/ml/nn/WeightSource.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

using limner::engine::ml::Linear;
using limner::engine::ml::StateDict;
using limner::engine::ml::WeightSource;

TEST_CASE("A linear layer shared out among threads gives libtorch's product", "[ml][nn][linear]") {
    at::manual_seed(3);
    const int before = at::get_num_threads();
    at::set_num_threads(2);
    // A UNet feed-forward on few tokens (output features shared out), a projection of many rows
    // without bias, and one too small to share.
    struct Case {
        std::vector<std::int64_t> input;
        std::int64_t out;
        bool bias;
    };
    for (const Case& c :
         {Case{{2, 16, 320}, 2560, true}, Case{{3, 700, 96}, 130, false}, Case{{4, 8}, 6, true}}) {
        const std::int64_t in = c.input.back();
        INFO("input features " << in << ", output features " << c.out);
        StateDict weights;
        weights["proj.weight"] = at::randn({c.out, in}) * 0.1;
        if (c.bias)
            weights["proj.bias"] = at::randn({c.out});
        const Linear linear =
            Linear::load(WeightSource(weights, at::kCPU, at::kFloat), "proj", in, c.out, c.bias);
        const at::Tensor x = at::randn(c.input);
        const at::Tensor expected =
            at::linear(x, weights["proj.weight"], c.bias ? weights["proj.bias"] : at::Tensor());
        c10::InferenceMode inference;
        const at::Tensor got = linear.forward(x);
        REQUIRE(got.sizes() == expected.sizes());
        CHECK((got - expected).abs().max().item<double>() <= 1e-4);
    }
    at::set_num_threads(before);
}
