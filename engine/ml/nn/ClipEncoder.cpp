#include "engine/ml/nn/ClipEncoder.h"

#include "engine/ml/nn/AttentionKernel.h"
#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

#include <cmath>

namespace limner::engine::ml {

ClipEncoder ClipEncoder::load(const ModelConfig& config, const WeightSource& encoderWeights) {
    ClipEncoder e;
    e.m_hidden = config.integer("hidden_size", 512);
    e.m_heads = config.integer("num_attention_heads", 8);
    const std::int64_t intermediate = config.integer("intermediate_size", 2048);
    const std::int64_t layers = config.integer("num_hidden_layers", 12);
    const double eps = config.number("layer_norm_eps", 1e-5);
    e.m_activation = Activation::fromConfig(config, "hidden_act", "quick_gelu");
    if (e.m_heads <= 0 || e.m_hidden % e.m_heads != 0)
        config.refuse("num_attention_heads", "hidden_size must be a multiple of it");
    if (layers < 0)
        config.refuse("num_hidden_layers", "it must not be negative");
    for (std::int64_t i = 0; i < layers; ++i) {
        const WeightSource w = encoderWeights.sub("layers", static_cast<std::size_t>(i));
        const WeightSource a = w.sub("self_attn");
        const std::int64_t d = e.m_hidden;
        e.m_layers.push_back(Layer{LayerNorm::load(w, "layer_norm1", d, eps),
                                   LayerNorm::load(w, "layer_norm2", d, eps),
                                   Linear::load(a, "q_proj", d, d), Linear::load(a, "k_proj", d, d),
                                   Linear::load(a, "v_proj", d, d), Linear::load(a, "out_proj", d, d),
                                   Linear::load(w.sub("mlp"), "fc1", d, intermediate),
                                   Linear::load(w.sub("mlp"), "fc2", intermediate, d)});
    }
    return e;
}

at::Tensor ClipEncoder::forward(at::Tensor x, const at::Tensor& mask,
                                std::vector<at::Tensor>* states) const {
    const std::int64_t batch = x.size(0);
    const std::int64_t tokens = x.size(1);
    const std::int64_t headDim = m_hidden / m_heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim));
    auto heads = [&](const at::Tensor& t) {
        return t.view({batch, tokens, m_heads, headDim}).transpose(1, 2);
    };
    for (const Layer& layer : m_layers) {
        if (states)
            states->push_back(x);
        at::Tensor h = layer.norm1.forward(x);
        at::Tensor a = AttentionKernel::attend(heads(layer.q.forward(h)), heads(layer.k.forward(h)),
                                               heads(layer.v.forward(h)), mask, scale, false);
        a = a.transpose(1, 2).reshape({batch, tokens, m_hidden});
        x = x + layer.out.forward(a);
        h = layer.norm2.forward(x);
        x = x + layer.fc2.forward(m_activation.forward(layer.fc1.forward(h)));
    }
    if (states)
        states->push_back(x);
    return x;
}

} // namespace limner::engine::ml
