#pragma once

#include "engine/ml/nn/Attention.h"
#include "engine/ml/nn/BlockOptions.h"
#include "engine/ml/nn/Downsample2D.h"
#include "engine/ml/nn/ResnetBlock2D.h"
#include "engine/ml/nn/Transformer2D.h"

#include <ATen/core/Tensor.h>
#include <optional>
#include <vector>

namespace limner::engine::ml {

class WeightSource;

// The down blocks of diffusers UNets and VAE encoders: DownBlock2D, CrossAttnDownBlock2D,
// SimpleCrossAttnDownBlock2D, ResnetDownsampleBlock2D, DownEncoderBlock2D and
// AttnDownEncoderBlock2D. Each layer is a resnet, optionally followed by attention; the block
// ends with an optional downsampler (a stride-2 conv, or a downsampling resnet).
class DownBlock2D {
public:
    static bool knows(const std::string& type);
    static DownBlock2D load(const WeightSource& weights, const BlockOptions& options);

    // Appends the skip connections the matching up block consumes to `skips` when given.
    at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                       std::vector<at::Tensor>* skips) const;

private:
    std::vector<ResnetBlock2D> m_resnets;
    std::vector<Transformer2D> m_transformers;
    std::vector<Attention> m_attentions;
    std::optional<Downsample2D> m_downsampler;
    std::optional<ResnetBlock2D> m_resnetDownsampler;
};

} // namespace limner::engine::ml
