#pragma once

#include "engine/ml/nn/Activation.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/DownBlock2D.h"
#include "engine/ml/nn/GroupNorm.h"
#include "engine/ml/nn/MidBlock2D.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <optional>
#include <vector>

namespace limner::engine::ml {

class ModelConfig;
class WeightSource;

// diffusers' vae.Encoder as AutoencoderKL and VQModel build it from their config.
class VaeEncoder {
public:
    // outChannels: what conv_out produces (2 × latent_channels for a KL posterior).
    static VaeEncoder load(const ModelConfig& config, const WeightSource& weights,
                           std::int64_t outChannels);
    at::Tensor forward(const at::Tensor& x) const { return inner(outer(x)); }
    // The layers at the image's resolution and between it and the latents' (conv_in and the down
    // blocks): what holds the memory, and what tiles split.
    at::Tensor outer(const at::Tensor& x) const;
    // The layers at the latents' resolution (the mid block, whose attention sees the whole
    // region, and the output layers).
    at::Tensor inner(at::Tensor h) const;

private:
    Conv2d m_convIn;
    std::vector<DownBlock2D> m_blocks;
    MidBlock2D m_mid;
    GroupNorm m_normOut;
    Activation m_activation;
    Conv2d m_convOut;
};

} // namespace limner::engine::ml
