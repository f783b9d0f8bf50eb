#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/WeightSource.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <c10/core/InferenceMode.h>

using limner::engine::ml::Conv2d;
using limner::engine::ml::StateDict;
using limner::engine::ml::WeightSource;

TEST_CASE("A large convolution computed in bands of rows gives exactly the whole convolution",
          "[ml][nn][conv]") {
    at::manual_seed(5);
    // 3×3 with padding (VAE and UNet convolutions), 1×1 (shortcuts, post-quant), 3×3 without
    // padding; two pictures of an odd, non-square size.
    struct Case {
        std::int64_t kernel, padding;
    };
    for (const Case c : {Case{3, 1}, Case{1, 0}, Case{3, 0}}) {
        StateDict weights;
        weights["conv.weight"] = at::randn({6, 5, c.kernel, c.kernel}) * 0.3;
        weights["conv.bias"] = at::randn({6});
        const WeightSource source(weights, at::kCPU, at::kFloat);
        const Conv2d conv = Conv2d::load(source, "conv", 5, 6, c.kernel, 1, c.padding);
        const at::Tensor x = at::randn({2, 5, 23, 17});
        const at::Tensor whole =
            at::conv2d(x, weights["conv.weight"], weights["conv.bias"], 1, c.padding);
        const std::int64_t budget = Conv2d::bandBytes();
        for (std::int64_t bandBytes : {std::int64_t{1}, std::int64_t{2 * 5 * 17 * 4 * 3}, budget}) {
            INFO("kernel " << c.kernel << ", padding " << c.padding << ", band bytes " << bandBytes);
            Conv2d::setBandBytes(bandBytes);
            at::Tensor banded;
            {
                c10::InferenceMode inference;
                banded = conv.forward(x);
            }
            Conv2d::setBandBytes(budget);
            REQUIRE(banded.sizes() == whole.sizes());
            CHECK(at::equal(banded, whole));
        }
    }
}
