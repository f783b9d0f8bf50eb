#include "engine/ml/nn/Activation.h"

#include "engine/ml/nn/ModelConfig.h"

namespace limner::engine::ml {

Activation Activation::fromConfig(const ModelConfig& config, const std::string& key,
                                  const std::string& fallback) {
    const std::string name = config.string(key, fallback);
    if (name == "silu" || name == "swish")
        return Activation(Kind::Silu);
    if (name == "gelu")
        return Activation(Kind::Gelu);
    if (name == "gelu_new" || name == "gelu_pytorch_tanh")
        return Activation(Kind::GeluTanh);
    if (name == "quick_gelu")
        return Activation(Kind::QuickGelu);
    if (name == "relu")
        return Activation(Kind::Relu);
    if (name == "mish")
        return Activation(Kind::Mish);
    config.refuse(
        key,
        "Limner implements silu, swish, gelu, gelu_new, gelu_pytorch_tanh, quick_gelu, relu, mish");
}

at::Tensor Activation::forward(const at::Tensor& x) const {
    switch (m_kind) {
    case Kind::Identity:
        return x;
    case Kind::Silu:
        return at::silu(x);
    case Kind::Gelu:
        return at::gelu(x);
    case Kind::GeluTanh:
        return at::gelu(x, "tanh");
    case Kind::QuickGelu:
        return x * at::sigmoid(x * 1.702);
    case Kind::Relu:
        return at::relu(x);
    case Kind::Mish:
        return at::mish(x);
    }
    return x;
}

at::Tensor Activation::forwardInPlace(at::Tensor x) const {
    switch (m_kind) {
    case Kind::Silu:
        return at::silu_(x);
    case Kind::Relu:
        return at::relu_(x);
    default:
        return forward(x);
    }
}

} // namespace limner::engine::ml
