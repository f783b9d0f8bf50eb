#pragma once

#include "engine/ml/nn/BasicTransformerBlock.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/GroupNorm.h"
#include "engine/ml/nn/Linear.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <vector>

namespace limner::engine::ml {

class WeightSource;

// diffusers' Transformer2DModel over a feature map (the attention of CrossAttn blocks):
// GroupNorm, proj_in (1×1 conv or linear), transformer blocks over H·W tokens, proj_out, residual.
class Transformer2D {
public:
    struct Options {
        std::int64_t channels = 0;
        std::int64_t heads = 1;
        std::int64_t headDim = 64;
        std::int64_t layers = 1;
        std::int64_t crossDim = 0;
        std::int64_t groups = 32;
        bool useLinearProjection = false;
        bool onlyCrossAttention = false;
        bool upcastAttention = false;
    };

    static Transformer2D load(const WeightSource& weights, const Options& options);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context) const;

private:
    Options m_options;
    GroupNorm m_norm;
    Conv2d m_convIn, m_convOut;
    Linear m_linearIn, m_linearOut;
    std::vector<BasicTransformerBlock> m_blocks;
};

} // namespace limner::engine::ml
