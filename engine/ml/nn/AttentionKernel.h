#pragma once

#include <ATen/core/Tensor.h>

namespace limner::engine::ml {

// softmax(q kᵀ · scale + mask) v over tensors shaped [batch, heads, tokens, head_dim]. Uses
// libtorch's fused scaled_dot_product_attention where it exists (≥ 2.1, which takes a scale) and
// the explicit product otherwise. `mask` is additive and broadcastable to
// [batch, heads, queries, keys], or undefined. `upcastSoftmax` computes the softmax in float32
// as diffusers' upcast_softmax / upcast_attention do for half precision.
class AttentionKernel {
public:
    static at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             const at::Tensor& mask, double scale, bool upcastSoftmax);
};

} // namespace limner::engine::ml
