#pragma once

#include "engine/ml/nn/Attention.h"
#include "engine/ml/nn/LayerNorm.h"
#include "engine/ml/nn/Linear.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <optional>

namespace limner::engine::ml {

class WeightSource;

// diffusers' BasicTransformerBlock with norm_type "layer_norm": self-attention, cross-attention
// (when crossDim is set), feed-forward (GEGLU or GELU), each pre-normed with a residual.
class BasicTransformerBlock {
public:
    enum class FeedForward { Geglu, Gelu };
    struct Options {
        std::int64_t dim = 0;
        std::int64_t heads = 1;
        std::int64_t headDim = 64;
        std::int64_t crossDim = 0;
        FeedForward feedForward = FeedForward::Geglu;
        bool attentionBias = false;
        bool onlyCrossAttention = false;
        bool upcastAttention = false;
        double normEps = 1e-5;
    };

    static BasicTransformerBlock load(const WeightSource& weights, const Options& options);
    at::Tensor forward(at::Tensor x, const at::Tensor& context, const at::Tensor& mask) const;

private:
    Options m_options;
    LayerNorm m_norm1, m_norm3;
    std::optional<LayerNorm> m_norm2;
    Attention m_attn1;
    std::optional<Attention> m_attn2;
    Linear m_ffIn, m_ffOut;
};

} // namespace limner::engine::ml
