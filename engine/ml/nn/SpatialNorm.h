#pragma once

#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/GroupNorm.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace limner::engine::ml {

class WeightSource;

// diffusers' SpatialNorm (MoVQ): GroupNorm(32 groups, eps 1e-6) of the features, modulated by
// 1×1 convolutions of the quantised latents resized to the features with nearest interpolation.
class SpatialNorm {
public:
    static SpatialNorm load(const WeightSource& weights, const std::string& name, std::int64_t channels,
                            std::int64_t conditionChannels);
    at::Tensor forward(const at::Tensor& x, const at::Tensor& condition) const;

private:
    GroupNorm m_norm;
    Conv2d m_convY;
    Conv2d m_convB;
};

} // namespace limner::engine::ml
