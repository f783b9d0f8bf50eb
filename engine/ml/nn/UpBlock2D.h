#pragma once

#include "engine/ml/nn/Attention.h"
#include "engine/ml/nn/BlockOptions.h"
#include "engine/ml/nn/ResnetBlock2D.h"
#include "engine/ml/nn/Transformer2D.h"
#include "engine/ml/nn/Upsample2D.h"

#include <ATen/core/Tensor.h>
#include <optional>
#include <vector>

namespace limner::engine::ml {

class WeightSource;

// The up blocks of diffusers UNets and VAE / MoVQ decoders: UpBlock2D, CrossAttnUpBlock2D,
// SimpleCrossAttnUpBlock2D, ResnetUpsampleBlock2D (each layer concatenates a skip connection of
// the matching down block), UpDecoderBlock2D and AttnUpDecoderBlock2D (no skips).
class UpBlock2D {
public:
    static bool knows(const std::string& type);
    static UpBlock2D load(const WeightSource& weights, const BlockOptions& options);

    // Takes its skip connections from the back of `skips` (UNet blocks). upsampleHeight/Width,
    // when non-zero, set the upsampled size (inputs not divisible by the UNet's down factor).
    at::Tensor forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                       std::vector<at::Tensor>* skips, std::int64_t upsampleHeight = 0,
                       std::int64_t upsampleWidth = 0) const;

    std::size_t skipCount() const { return m_usesSkips ? m_resnets.size() : 0; }

private:
    std::vector<ResnetBlock2D> m_resnets;
    std::vector<Transformer2D> m_transformers;
    std::vector<Attention> m_attentions;
    std::optional<Upsample2D> m_upsampler;
    std::optional<ResnetBlock2D> m_resnetUpsampler;
    bool m_usesSkips = true;
};

} // namespace limner::engine::ml
