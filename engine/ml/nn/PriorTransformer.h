#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/BasicTransformerBlock.h"
#include "engine/ml/nn/LayerNorm.h"
#include "engine/ml/nn/Linear.h"
#include "engine/ml/nn/StateDict.h"
#include "engine/ml/nn/TimestepEmbedding.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <vector>

namespace limner::engine::ml {

// diffusers' PriorTransformer (the Kandinsky 2.2 / unCLIP diffusion prior): predicts a CLIP
// image embedding from a noisy one, the text embedding (proj_embedding) and the text encoder's
// hidden states.
class PriorTransformer {
public:
    static Status load(const nlohmann::json& config, const StateDict& weights, c10::Device device,
                       c10::ScalarType dtype, PriorTransformer& out);

    // hiddenStates [batch, embedding_dim]; timesteps one value or one per row; projEmbedding
    // [batch, embedding_proj_dim]; encoderHiddenStates [batch, num_embeddings, embedding_dim];
    // attentionMask [batch, num_embeddings] (non-zero = real token) or undefined — without it no
    // causal mask is applied either, exactly as diffusers behaves.
    at::Tensor forward(const at::Tensor& hiddenStates, const at::Tensor& timesteps,
                       const at::Tensor& projEmbedding, const at::Tensor& encoderHiddenStates,
                       const at::Tensor& attentionMask) const;
    // prediction · clip_std + clip_mean.
    at::Tensor postProcessLatents(const at::Tensor& prediction) const;

private:
    std::int64_t m_innerDim = 0;
    std::int64_t m_additionalEmbeddings = 4;
    TimestepEmbedding m_timeEmbedding;
    Linear m_projIn;
    std::optional<LayerNorm> m_embeddingProjNorm;
    Linear m_embeddingProj;
    std::optional<Linear> m_encoderProj;
    at::Tensor m_positionalEmbedding;
    at::Tensor m_prdEmbedding;
    std::optional<LayerNorm> m_normIn;
    std::vector<BasicTransformerBlock> m_blocks;
    LayerNorm m_normOut;
    Linear m_projToClip;
    at::Tensor m_clipMean, m_clipStd;
    c10::ScalarType m_dtype = c10::kFloat;
    c10::Device m_device = c10::kCPU;
};

} // namespace limner::engine::ml
