#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

class WeightSource;

// torch.nn.LayerNorm over the last dimension, with affine weight and bias.
class LayerNorm {
public:
    static LayerNorm load(const WeightSource& weights, const std::string& name, std::int64_t dim,
                          double eps);
    at::Tensor forward(const at::Tensor& x) const;

private:
    at::Tensor m_weight;
    at::Tensor m_bias;
    std::int64_t m_dim = 0;
    double m_eps = 1e-5;
};

} // namespace limner::engine::ml
