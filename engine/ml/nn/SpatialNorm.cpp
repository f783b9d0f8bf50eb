#include "engine/ml/nn/SpatialNorm.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

SpatialNorm SpatialNorm::load(const WeightSource& weights, const std::string& name,
                              std::int64_t channels, std::int64_t conditionChannels) {
    const WeightSource w = weights.sub(name);
    SpatialNorm n;
    // diffusers hard-codes these, whatever the model's norm_num_groups says.
    n.m_norm = GroupNorm::load(w, "norm_layer", 32, channels, 1e-6);
    n.m_convY = Conv2d::load(w, "conv_y", conditionChannels, channels, 1);
    n.m_convB = Conv2d::load(w, "conv_b", conditionChannels, channels, 1);
    return n;
}

at::Tensor SpatialNorm::forward(const at::Tensor& x, const at::Tensor& condition) const {
    const at::Tensor zq = at::upsample_nearest2d(condition, {x.size(2), x.size(3)});
    return m_norm.forward(x) * m_convY.forward(zq) + m_convB.forward(zq);
}

} // namespace limner::engine::ml
