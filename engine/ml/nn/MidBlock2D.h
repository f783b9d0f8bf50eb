#pragma once

#include "engine/ml/nn/Attention.h"
#include "engine/ml/nn/BlockOptions.h"
#include "engine/ml/nn/ResnetBlock2D.h"
#include "engine/ml/nn/Transformer2D.h"

#include <ATen/core/Tensor.h>
#include <vector>

namespace limner::engine::ml {

class WeightSource;

// diffusers' UNetMidBlock2DCrossAttn, UNetMidBlock2DSimpleCrossAttn and UNetMidBlock2D (VAE,
// MoVQ): a resnet, then per layer attention and another resnet.
class MidBlock2D {
public:
    static bool knows(const std::string& type);
    static MidBlock2D load(const WeightSource& weights, const BlockOptions& options);
    at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context) const;

private:
    std::vector<ResnetBlock2D> m_resnets;
    std::vector<Transformer2D> m_transformers;
    std::vector<Attention> m_attentions;
};

} // namespace limner::engine::ml
