#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

class WeightSource;

// torch.nn.GroupNorm with affine weight and bias.
class GroupNorm {
public:
    static GroupNorm load(const WeightSource& weights, const std::string& name, std::int64_t groups,
                          std::int64_t channels, double eps);
    at::Tensor forward(const at::Tensor& x) const;

private:
    at::Tensor m_weight;
    at::Tensor m_bias;
    std::int64_t m_groups = 1;
    double m_eps = 1e-5;
};

} // namespace limner::engine::ml
