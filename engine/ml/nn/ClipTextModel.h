#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/ClipEncoder.h"
#include "engine/ml/nn/LayerNorm.h"
#include "engine/ml/nn/Linear.h"
#include "engine/ml/nn/StateDict.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <vector>

namespace limner::engine::ml {

// transformers' CLIPTextModel and CLIPTextModelWithProjection (config model_type
// "clip_text_model", state_dict names "text_model.…" and "text_projection.weight").
//
//     ClipTextModel encoder;
//     if (Status s = ClipTextModel::load(config, weights, ClipTextModel::Head::Pooled, kCPU, kFloat,
//     encoder); !s) … ClipTextModel::Output o = encoder.forward(ids, {}, false);
//
// Causal self-attention; the optional attention mask (1 = real token) is added on top, as
// transformers does. The pooled token follows transformers 4.36: with the legacy config
// eos_token_id 2 it is the position of the largest id in each row, otherwise the first position
// holding eos_token_id.
class ClipTextModel {
public:
    enum class Head { Pooled, Projection };
    struct Output {
        at::Tensor lastHiddenState;           // [batch, tokens, hidden], after final_layer_norm
        at::Tensor pooled;                    // [batch, hidden] (pooler_output)
        at::Tensor textEmbeds;                // [batch, projection_dim], Head::Projection only
        std::vector<at::Tensor> hiddenStates; // embeddings, then each layer (before final_layer_norm)
    };

    static Status load(const nlohmann::json& config, const StateDict& weights, Head head,
                       c10::Device device, c10::ScalarType dtype, ClipTextModel& out);
    // The head named by the config's "architectures" (CLIPTextModelWithProjection → Projection).
    static Head headFromConfig(const nlohmann::json& config);

    // ids int64 [batch, tokens]; attentionMask int/bool [batch, tokens] or undefined.
    Output forward(const at::Tensor& ids, const at::Tensor& attentionMask, bool keepHiddenStates) const;

    std::int64_t hiddenSize() const { return m_encoder.hiddenSize(); }
    std::int64_t maxTokens() const { return m_maxPositions; }

private:
    at::Tensor m_tokenEmbedding;
    at::Tensor m_positionEmbedding;
    ClipEncoder m_encoder;
    LayerNorm m_finalNorm;
    std::optional<Linear> m_projection;
    std::int64_t m_eosTokenId = 2;
    std::int64_t m_maxPositions = 77;
    c10::ScalarType m_dtype = c10::kFloat;
};

} // namespace limner::engine::ml
