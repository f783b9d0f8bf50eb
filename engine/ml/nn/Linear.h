#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

class WeightSource;

// torch.nn.Linear: weight [out, in], optional bias [out].
//
// On the CPU outside autograd, with more than one libtorch thread, a float32 product is shared
// out by output features among the threads: each reads only its own rows of the weight, which is
// what the UNets' few-token products at low resolution wait for (see Linear.cpp).
class Linear {
public:
    static Linear load(const WeightSource& weights, const std::string& name, std::int64_t in,
                       std::int64_t out, bool bias = true);
    at::Tensor forward(const at::Tensor& x) const;

private:
    at::Tensor m_weight;
    at::Tensor m_bias;
};

} // namespace limner::engine::ml
