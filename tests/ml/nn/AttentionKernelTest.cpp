#include "engine/ml/nn/AttentionKernel.h"

#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <c10/core/InferenceMode.h>
#include <cmath>

using limner::engine::ml::AttentionKernel;

namespace {

// softmax(q kᵀ · scale + mask) v written out, the formula the kernel must compute.
at::Tensor reference(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                     const at::Tensor& mask, double scale) {
    at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) * scale;
    if (mask.defined())
        scores = scores + mask;
    return at::matmul(at::softmax(scores, -1), v);
}

double largestDifference(const at::Tensor& a, const at::Tensor& b) {
    return (a - b).abs().max().item<double>();
}

} // namespace

TEST_CASE("Attention computed a few query rows at a time gives the whole product's result",
          "[ml][nn][attention]") {
    c10::InferenceMode inference;
    at::manual_seed(7);
    const at::Tensor q = at::randn({2, 3, 10, 8}), k = at::randn({2, 3, 7, 8}),
                     v = at::randn({2, 3, 7, 8});
    const double scale = 1.0 / std::sqrt(8.0);
    // No mask, a key-padding mask shared by every query, one mask per query and head, and a
    // two-axis [queries, keys] mask (the prior's causal mask has that form).
    at::Tensor padding = at::zeros({2, 1, 1, 7});
    padding.slice(3, 5, 7).fill_(-10000.0);
    const std::vector<at::Tensor> masks = {at::Tensor(), padding, at::randn({2, 3, 10, 7}),
                                           at::randn({10, 7})};
    for (const at::Tensor& mask : masks) {
        const at::Tensor expected = reference(q, k, v, mask, scale);
        for (std::int64_t chunk : {0, 1, 3, 4, 9, 10, 64}) {
            INFO("mask dims " << (mask.defined() ? mask.dim() : 0) << ", chunk " << chunk);
            const at::Tensor got = AttentionKernel::explicitProduct(q, k, v, mask, scale, false, chunk);
            REQUIRE(got.sizes() == expected.sizes());
            CHECK(largestDifference(got, expected) <= 1e-6);
        }
    }
}

TEST_CASE("Chunked attention keeps gradients when a model is trained", "[ml][nn][attention]") {
    at::manual_seed(11);
    const at::AutoGradMode enabled(true);
    const at::Tensor q = at::randn({1, 2, 9, 4}).requires_grad_(true);
    const at::Tensor k = at::randn({1, 2, 6, 4}), v = at::randn({1, 2, 6, 4});
    const at::Tensor mask = at::randn({1, 2, 9, 6});
    const at::Tensor whole = reference(q, k, v, mask, 0.5);
    whole.sum().backward();
    const at::Tensor gradWhole = q.grad().clone();
    q.mutable_grad().reset();
    const at::Tensor chunked = AttentionKernel::explicitProduct(q, k, v, mask, 0.5, false, 4);
    chunked.sum().backward();
    REQUIRE(q.grad().defined());
    const at::Tensor gradChunked = q.grad();
    CHECK(largestDifference(chunked, whole) <= 1e-6);
    CHECK(largestDifference(gradChunked, gradWhole) <= 1e-6);
}

TEST_CASE("Attention at SD 1.5's 512x512 keeps its score matrix within the budget",
          "[ml][nn][attention]") {
    // The first self-attention of SD 1.5 at 512²: 2 (guidance) × 8 heads × 4096 tokens of 40.
    const at::Tensor q = at::empty({2, 8, 4096, 40}), k = at::empty({2, 8, 4096, 40});
    const std::int64_t chunk = AttentionKernel::queryChunkFor(q, k, AttentionKernel::kScoreBudgetBytes);
    CHECK(chunk == 512);
    CHECK(chunk * 2 * 8 * 4096 * 4 <= AttentionKernel::kScoreBudgetBytes);
    // Cross-attention on 77 prompt tokens fits whole: it runs in one piece, as it always did.
    const at::Tensor prompt = at::empty({2, 8, 77, 40});
    CHECK(AttentionKernel::queryChunkFor(q, prompt, AttentionKernel::kScoreBudgetBytes) == 4096);
    // A single head over a single key still makes progress one row at a time.
    CHECK(AttentionKernel::queryChunkFor(q, k, 1) == 1);
}
