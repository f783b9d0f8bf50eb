#pragma once

#include "engine/ml/nn/Activation.h"
#include "engine/ml/nn/LayerNorm.h"
#include "engine/ml/nn/Linear.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <vector>

namespace limner::engine::ml {

class ModelConfig;
class WeightSource;

// transformers' CLIPEncoder: pre-norm transformer layers (self-attention, then MLP), shared by
// the CLIP text and vision towers. Reads hidden_size, num_attention_heads, intermediate_size,
// num_hidden_layers, layer_norm_eps and hidden_act.
class ClipEncoder {
public:
    static ClipEncoder load(const ModelConfig& config, const WeightSource& encoderWeights);

    // x [batch, tokens, hidden]; mask additive, broadcastable to [batch, heads, tokens, tokens],
    // or undefined. When `states` is given it receives the input and every layer's output.
    at::Tensor forward(at::Tensor x, const at::Tensor& mask, std::vector<at::Tensor>* states) const;

    std::int64_t hiddenSize() const { return m_hidden; }

private:
    struct Layer {
        LayerNorm norm1, norm2;
        Linear q, k, v, out, fc1, fc2;
    };

    std::vector<Layer> m_layers;
    std::int64_t m_hidden = 0;
    std::int64_t m_heads = 1;
    Activation m_activation;
};

} // namespace limner::engine::ml
