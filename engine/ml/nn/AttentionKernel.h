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
//
// On the CPU outside autograd the product runs in blocks instead (blockedProduct): one block is
// one head's few dozen query rows against all its keys, whose scores stay in the core's cache
// between the two matrix products, and the blocks are shared out among libtorch's threads. The
// chunked whole-head product wrote and re-read every score through memory and ran its softmax
// and small products on one core: on unet-mid at 32x32 latents the attention was 62% of a UNet
// call's time (profile of 2026-12-02, limner-bench --profile).
class AttentionKernel {
public:
    static constexpr std::int64_t kScoreBudgetBytes = std::int64_t{128} << 20;

    // The score bytes one chunk may hold, process-wide (kScoreBudgetBytes unless set; <= 0: the
    // whole product at once, as before chunking existed). For benchmarks; thread-safe.
    static std::int64_t scoreBudgetBytes();
    static void setScoreBudgetBytes(std::int64_t bytes);
    // Whether the CPU uses the blocked product where it applies (default true); false: the
    // chunked product, as before blocks existed. For benchmarks; thread-safe.
    static bool blocked();
    static void setBlocked(bool on);

    static at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             const at::Tensor& mask, double scale, bool upcastSoftmax);

    // The explicit product, queryChunk query rows at a time (<= 0 or >= the query count: at once).
    static at::Tensor explicitProduct(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                      const at::Tensor& mask, double scale, bool upcastSoftmax,
                                      std::int64_t queryChunk);

    // The blocked product; blockedApplies() says where it serves: float32 or bfloat16 on the CPU,
    // no autograd, q, k, v of equal batch and heads, a mask broadcastable to the scores. The
    // result is [batch, heads, queries, head_dim] as a view of a [batch, queries, heads,
    // head_dim] tensor.
    static bool blockedApplies(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                               const at::Tensor& mask);
    static at::Tensor blockedProduct(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                     const at::Tensor& mask, double scale, bool upcastSoftmax);

    // Query rows per chunk that keep one chunk's scores within budgetBytes (at least 1); the
    // query count when they all fit.
    static std::int64_t queryChunkFor(const at::Tensor& q, const at::Tensor& k,
                                      std::int64_t budgetBytes);
};

} // namespace limner::engine::ml
