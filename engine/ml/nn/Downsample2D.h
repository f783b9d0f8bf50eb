#pragma once

#include "engine/ml/nn/Conv2d.h"

#include <ATen/core/Tensor.h>
#include <cstdint>

namespace limner::engine::ml {

class WeightSource;

// diffusers' Downsample2D with use_conv: a stride-2 3×3 convolution. With padding 0 (VAE
// encoders) the input is first padded by one on the right and bottom only, as diffusers does.
class Downsample2D {
public:
    static Downsample2D load(const WeightSource& weights, std::int64_t in, std::int64_t out,
                             std::int64_t padding);
    at::Tensor forward(const at::Tensor& x) const;

private:
    Conv2d m_conv;
    std::int64_t m_padding = 1;
};

} // namespace limner::engine::ml
