#include "engine/ml/nn/Linear.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

Linear Linear::load(const WeightSource& weights, const std::string& name, std::int64_t in,
                    std::int64_t out, bool bias) {
    Linear l;
    const WeightSource w = weights.sub(name);
    l.m_weight = w.get("weight", {out, in});
    if (bias)
        l.m_bias = w.get("bias", {out});
    return l;
}

at::Tensor Linear::forward(const at::Tensor& x) const {
    return at::linear(x, m_weight, m_bias);
}

} // namespace limner::engine::ml
