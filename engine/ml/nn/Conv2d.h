#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

class WeightSource;

// torch.nn.Conv2d with a square kernel, weight [out, in, k, k] and a bias [out].
class Conv2d {
public:
    static Conv2d load(const WeightSource& weights, const std::string& name, std::int64_t in,
                       std::int64_t out, std::int64_t kernel, std::int64_t stride = 1,
                       std::int64_t padding = 0, bool bias = true);
    at::Tensor forward(const at::Tensor& x) const;

private:
    at::Tensor m_weight;
    at::Tensor m_bias;
    std::int64_t m_stride = 1;
    std::int64_t m_padding = 0;
};

} // namespace limner::engine::ml
