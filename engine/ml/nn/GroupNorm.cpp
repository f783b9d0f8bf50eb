#include "engine/ml/nn/GroupNorm.h"

#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

GroupNorm GroupNorm::load(const WeightSource& weights, const std::string& name, std::int64_t groups,
                          std::int64_t channels, double eps) {
    if (groups <= 0 || channels % groups != 0)
        throw ModelFormatError("group norm '" + weights.fullName(name) +
                               "': " + std::to_string(channels) + " channels cannot be split into " +
                               std::to_string(groups) + " groups");
    GroupNorm n;
    const WeightSource w = weights.sub(name);
    n.m_weight = w.get("weight", {channels});
    n.m_bias = w.get("bias", {channels});
    n.m_groups = groups;
    n.m_eps = eps;
    return n;
}

at::Tensor GroupNorm::forward(const at::Tensor& x) const {
    // bfloat16 statistics lose most of the normalised values' precision (2.5 times the error of
    // normalising the same bfloat16 input in float32): normalise in float32 and round once.
    if (x.scalar_type() == at::kBFloat16)
        return at::group_norm(x.to(at::kFloat), m_groups, m_weight.to(at::kFloat),
                              m_bias.to(at::kFloat), m_eps)
            .to(at::kBFloat16);
    return at::group_norm(x, m_groups, m_weight, m_bias, m_eps);
}

} // namespace limner::engine::ml
