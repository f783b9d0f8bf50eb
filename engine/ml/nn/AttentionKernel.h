#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>

namespace limner::engine::ml {

// softmax(q kᵀ · scale + mask) v over tensors shaped [batch, heads, tokens, head_dim]. Uses
// libtorch's fused scaled_dot_product_attention where it exists (≥ 2.1, which takes a scale) and
// the explicit product otherwise. `mask` is additive and broadcastable to
// [batch, heads, queries, keys], or undefined. `upcastSoftmax` computes the softmax in float32
// as diffusers' upcast_softmax / upcast_attention do for half precision.
//
// The explicit product runs in chunks of queries when the whole score matrix would exceed
// scoreBudgetBytes() (outside autograd): each query row's softmax needs only its own row, so the
// result is the same product, but at most one chunk of scores and one of probabilities are alive
// at a time. At 512² SD 1.5's first self-attention holds 2 (guidance) × 8 heads × 4096² scores:
// 1 GiB whole, and the whole product kept two or three such matrices alive at once.
class AttentionKernel {
public:
    static constexpr std::int64_t kScoreBudgetBytes = std::int64_t{128} << 20;

    // The score bytes one chunk may hold, process-wide (kScoreBudgetBytes unless set; <= 0: the
    // whole product at once, as before chunking existed). For benchmarks; thread-safe.
    static std::int64_t scoreBudgetBytes();
    static void setScoreBudgetBytes(std::int64_t bytes);

    static at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             const at::Tensor& mask, double scale, bool upcastSoftmax);

    // The explicit product, queryChunk query rows at a time (<= 0 or >= the query count: at once).
    static at::Tensor explicitProduct(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                      const at::Tensor& mask, double scale, bool upcastSoftmax,
                                      std::int64_t queryChunk);

    // Query rows per chunk that keep one chunk's scores within budgetBytes (at least 1); the
    // query count when they all fit.
    static std::int64_t queryChunkFor(const at::Tensor& q, const at::Tensor& k,
                                      std::int64_t budgetBytes);
};

} // namespace limner::engine::ml
