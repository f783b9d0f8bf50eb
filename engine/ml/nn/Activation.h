#pragma once

#include <ATen/core/Tensor.h>
#include <string>

namespace limner::engine::ml {

class ModelConfig;

// The activation functions named in diffusers / transformers configs.
class Activation {
public:
    enum class Kind { Identity, Silu, Gelu, GeluTanh, QuickGelu, Relu, Mish };

    Activation() = default;
    explicit Activation(Kind kind)
        : m_kind(kind) {}
    // Reads config key `key` (falling back to `fallback`); an unknown name is refused.
    static Activation fromConfig(const ModelConfig& config, const std::string& key,
                                 const std::string& fallback);

    at::Tensor forward(const at::Tensor& x) const;
    // The same values written over x where the kind has an in-place kernel (silu, relu), else
    // forward(x). Only for tensors nothing else reads and outside autograd.
    at::Tensor forwardInPlace(at::Tensor x) const;
    Kind kind() const { return m_kind; }

private:
    Kind m_kind = Kind::Identity;
};

} // namespace limner::engine::ml
