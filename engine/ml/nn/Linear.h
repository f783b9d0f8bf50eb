#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

class WeightSource;

// torch.nn.Linear: weight [out, in], optional bias [out].
//
// On the CPU outside autograd, a float32 product of many rows is shared out by rows among
// libtorch's threads, each running OpenBLAS on one thread: the engine gives OpenBLAS one thread
// (CpuCompute), since its own pool spins between products and fights libtorch's for the cores.
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
