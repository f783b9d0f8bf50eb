#include "engine/ml/nn/AttentionKernel.h"

#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <ATen/Parallel.h>
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

namespace {

// libtorch's threads for one scope (the blocked product shares its blocks out among them).
struct Threads {
    explicit Threads(int n)
        : before(at::get_num_threads()) {
        at::set_num_threads(n);
    }
    ~Threads() { at::set_num_threads(before); }
    int before;
};

} // namespace

TEST_CASE("Blocked attention on the CPU gives the whole product's result, heads ready to merge",
          "[ml][nn][attention]") {
    c10::InferenceMode inference;
    const Threads two(2);
    at::manual_seed(13);
    // 5000 keys make blocks of 52 query rows: 200 queries are three whole blocks and a part one.
    // Heads are views into [batch, tokens, heads × dim] as the attention modules hand them over.
    const auto heads = [](const at::Tensor& t) {
        return t.view({2, t.size(1), 3, 8}).transpose(1, 2);
    };
    const at::Tensor q = heads(at::randn({2, 200, 24})), k = heads(at::randn({2, 5000, 24})),
                     v = heads(at::randn({2, 5000, 24}));
    const double scale = 1.0 / std::sqrt(8.0);
    at::Tensor padding = at::zeros({2, 1, 1, 5000});
    padding.slice(3, 4000, 5000).fill_(-10000.0);
    const std::vector<at::Tensor> masks = {at::Tensor(), padding, at::randn({2, 3, 200, 5000}),
                                           at::randn({200, 5000})};
    for (const at::Tensor& mask : masks) {
        INFO("mask dims " << (mask.defined() ? mask.dim() : 0));
        REQUIRE(AttentionKernel::blockedApplies(q, k, v, mask));
        const at::Tensor expected = reference(q, k, v, mask, scale);
        const at::Tensor got = AttentionKernel::attend(q, k, v, mask, scale, false);
        REQUIRE(got.sizes() == expected.sizes());
        CHECK(largestDifference(got, expected) <= 1e-5);
        // Merging the heads again ([batch, tokens, heads × dim]) is a view, not a copy.
        CHECK(got.transpose(1, 2).is_contiguous());
    }
    // bfloat16: the same rounding as the chunked product (float32 softmax, one rounding).
    const at::Tensor qb = q.to(at::kBFloat16), kb = k.to(at::kBFloat16), vb = v.to(at::kBFloat16);
    const at::Tensor paddingb = padding.to(at::kBFloat16);
    const at::Tensor blocked = AttentionKernel::blockedProduct(qb, kb, vb, paddingb, scale, false);
    const at::Tensor chunked = AttentionKernel::explicitProduct(qb, kb, vb, paddingb, scale, false, 64);
    CHECK(largestDifference(blocked.to(at::kFloat), chunked.to(at::kFloat)) <= 2e-2);
    // Where it does not serve, the chunked product does: under autograd, on other shapes, and
    // when the benchmarks ask for the product before blocks.
    {
        const at::AutoGradMode enabled(true);
        CHECK_FALSE(AttentionKernel::blockedApplies(q, k, v, at::Tensor()));
    }
    CHECK_FALSE(AttentionKernel::blockedApplies(q.select(0, 0), k.select(0, 0), v.select(0, 0), {}));
    CHECK_FALSE(AttentionKernel::blockedApplies(q, k, v, at::randn({2, 3, 7, 5000})));
    AttentionKernel::setBlocked(false);
    const at::Tensor before = AttentionKernel::attend(q, k, v, padding, scale, false);
    AttentionKernel::setBlocked(true);
    CHECK(largestDifference(before, reference(q, k, v, padding, scale)) <= 1e-5);
}
