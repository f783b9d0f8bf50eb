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
        const std::int64_t budget = Conv2d::bandBytes();
        // The whole convolution with the same (packed) weight and algorithm.
        Conv2d::setBandBytes(0);
        at::Tensor whole;
        {
            c10::InferenceMode inference;
            whole = conv.forward(x);
        }
        Conv2d::setBandBytes(budget);
        CHECK((whole - at::conv2d(x, weights["conv.weight"], weights["conv.bias"], 1, c.padding))
                  .abs()
                  .max()
                  .item<double>() <= 1e-5);
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

TEST_CASE("Convolution weights packed at load give the plain weights' pixels and still train",
          "[ml][nn][conv]") {
    at::manual_seed(9);
    struct Case {
        std::int64_t kernel, stride, padding;
    };
    for (const Case c : {Case{3, 1, 1}, Case{1, 1, 0}, Case{3, 2, 1}}) {
        INFO("kernel " << c.kernel << ", stride " << c.stride);
        StateDict weights;
        weights["conv.weight"] = at::randn({16, 12, c.kernel, c.kernel}) * 0.3;
        weights["conv.bias"] = at::randn({16});
        const WeightSource source(weights, at::kCPU, at::kFloat);
        Conv2d::setPacking(false);
        const Conv2d plain = Conv2d::load(source, "conv", 12, 16, c.kernel, c.stride, c.padding);
        Conv2d::setPacking(true);
        const Conv2d packed = Conv2d::load(source, "conv", 12, 16, c.kernel, c.stride, c.padding);
        CHECK_FALSE(plain.packed());
        CHECK(packed.packed() == at::hasMKLDNN());
        const at::Tensor x = at::randn({2, 12, 19, 14});
        {
            c10::InferenceMode inference;
            const at::Tensor expected = plain.forward(x);
            CHECK((packed.forward(x) - expected).abs().max().item<double>() <= 1e-5);
            // In bands (the large-picture path) as well.
            const std::int64_t budget = Conv2d::bandBytes();
            Conv2d::setBandBytes(2 * 12 * 14 * 4 * 4);
            const at::Tensor banded = packed.forward(x);
            Conv2d::setBandBytes(budget);
            CHECK((banded - expected).abs().max().item<double>() <= 1e-5);
        }
        // An input that takes gradients (a frozen layer inside a model being trained) gets them.
        const at::AutoGradMode enabled(true);
        const at::Tensor a = x.clone().requires_grad_(true), b = x.clone().requires_grad_(true);
        plain.forward(a).square().sum().backward();
        packed.forward(b).square().sum().backward();
        REQUIRE(b.grad().defined());
        CHECK((a.grad() - b.grad()).abs().max().item<double>() <= 1e-4);
    }
    // Weights that take gradients themselves (limner-train's) stay plain.
    StateDict trained;
    trained["conv.weight"] = (at::randn({4, 3, 3, 3}) * 0.3).requires_grad_(true);
    trained["conv.bias"] = at::zeros({4});
    CHECK_FALSE(
        Conv2d::load(WeightSource(trained, at::kCPU, at::kFloat), "conv", 3, 4, 3, 1, 1).packed());
}

TEST_CASE("A pipeline's convolutions are packed when it says so, after the file's tensors are gone",
          "[ml][nn][conv]") {
    using limner::engine::ml::ConvolutionPacking;
    at::manual_seed(4);
    const at::Tensor x = at::randn({1, 3, 9, 9});
    at::Tensor expected;
    Conv2d conv, copy;
    {
        ConvolutionPacking packing;
        StateDict weights;
        weights["conv.weight"] = at::randn({5, 3, 3, 3});
        weights["conv.bias"] = at::randn({5});
        expected = at::conv2d(x, weights["conv.weight"], weights["conv.bias"], 1, 1);
        conv = Conv2d::load(WeightSource(weights, at::kCPU, at::kFloat), "conv", 3, 5, 3, 1, 1);
        copy = conv;
        CHECK_FALSE(conv.packed()); // the file's tensor and the module's are one: nothing doubled
        weights.clear();
        packing.pack();
    }
    CHECK(conv.packed() == at::hasMKLDNN());
    CHECK(copy.packed() == conv.packed()); // copies share the packed weight
    c10::InferenceMode inference;
    CHECK((conv.forward(x) - expected).abs().max().item<double>() <= 1e-5);
}
