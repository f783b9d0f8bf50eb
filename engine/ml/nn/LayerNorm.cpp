#include "engine/ml/nn/LayerNorm.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

LayerNorm LayerNorm::load(const WeightSource& weights, const std::string& name, std::int64_t dim,
                          double eps) {
    LayerNorm n;
    const WeightSource w = weights.sub(name);
    n.m_weight = w.get("weight", {dim});
    n.m_bias = w.get("bias", {dim});
    n.m_dim = dim;
    n.m_eps = eps;
    return n;
}

at::Tensor LayerNorm::forward(const at::Tensor& x) const {
    // As GroupNorm: bfloat16 input is normalised in float32 and rounded once.
    if (x.scalar_type() == at::kBFloat16)
        return at::layer_norm(x.to(at::kFloat), {m_dim}, m_weight.to(at::kFloat), m_bias.to(at::kFloat),
                              m_eps)
            .to(at::kBFloat16);
    return at::layer_norm(x, {m_dim}, m_weight, m_bias, m_eps);
}

} // namespace limner::engine::ml
