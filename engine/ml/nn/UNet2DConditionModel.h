#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/Activation.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/DownBlock2D.h"
#include "engine/ml/nn/GroupNorm.h"
#include "engine/ml/nn/LayerNorm.h"
#include "engine/ml/nn/Linear.h"
#include "engine/ml/nn/MidBlock2D.h"
#include "engine/ml/nn/StateDict.h"
#include "engine/ml/nn/TimestepEmbedding.h"
#include "engine/ml/nn/UpBlock2D.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <vector>

namespace limner::engine::ml {

// diffusers' UNet2DConditionModel for Stable Diffusion 1.x/2.x (CrossAttn blocks over text
// embeddings) and Kandinsky 2.2 (SimpleCrossAttn blocks; the context and an addition to the time
// embedding are both projected from the image embedding: encoder_hid_dim_type "image_proj",
// addition_embed_type "image").
//
//     UNet2DConditionModel unet;
//     if (Status s = UNet2DConditionModel::load(config, weights, kCPU, kFloat, unet); !s) …
//     at::Tensor eps = unet.forward(latents, timesteps, textEmbeddings, {});
//
// Config values this class does not implement (class embeddings, text-time additions, fourier
// time embeddings, dual cross-attention, …) are refused at load, naming the key.
class UNet2DConditionModel {
public:
    static Status load(const nlohmann::json& config, const StateDict& weights, c10::Device device,
                       c10::ScalarType dtype, UNet2DConditionModel& out);

    // sample [batch, in_channels, h, w]; timesteps: one value or one per batch row;
    // encoderHiddenStates [batch, tokens, cross_attention_dim] (undefined with "image_proj");
    // imageEmbeds [batch, encoder_hid_dim] (needed with "image" / "image_proj").
    at::Tensor forward(const at::Tensor& sample, const at::Tensor& timesteps,
                       const at::Tensor& encoderHiddenStates, const at::Tensor& imageEmbeds) const;

    std::int64_t inChannels() const { return m_inChannels; }
    std::int64_t outChannels() const { return m_outChannels; }
    // Rough peak bytes of one forward pass's activations at a latent size: the skip features
    // the down path keeps, the widest resnet's working buffers and the largest attention score
    // matrix (materialised in full by the libtorch 1.13 kernel). For refusing jobs that cannot
    // fit, not for accounting.
    std::uint64_t activationBytes(std::int64_t batch, std::int64_t height, std::int64_t width,
                                  std::int64_t elementSize) const;

private:
    struct Level {
        std::int64_t channels = 0;
        std::int64_t layers = 1;
        std::int64_t attentionHeads = 0; // 0: no attention at this level
    };
    std::vector<Level> m_levels;
    std::int64_t m_inChannels = 4;
    std::int64_t m_outChannels = 4;
    std::int64_t m_timeProjDim = 320;
    bool m_flipSinToCos = true;
    double m_freqShift = 0.0;
    bool m_centerInput = false;
    std::int64_t m_upFactor = 1;
    Conv2d m_convIn;
    TimestepEmbedding m_timeEmbedding;
    std::optional<Activation> m_timeEmbedAct;
    std::optional<Linear> m_addImageProj;
    std::optional<LayerNorm> m_addImageNorm;
    std::optional<Linear> m_encoderHidProj;
    std::optional<LayerNorm> m_encoderHidNorm;
    std::int64_t m_imageTokens = 0; // "image_proj": context tokens made from the image embedding
    std::vector<DownBlock2D> m_down;
    std::optional<MidBlock2D> m_mid;
    std::vector<UpBlock2D> m_up;
    std::optional<GroupNorm> m_normOut;
    Activation m_activation;
    Conv2d m_convOut;
    c10::ScalarType m_dtype = c10::kFloat;
    c10::Device m_device = c10::kCPU;
};

} // namespace limner::engine::ml
