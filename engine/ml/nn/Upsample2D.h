#pragma once

#include "engine/ml/nn/Conv2d.h"

#include <ATen/core/Tensor.h>
#include <cstdint>

namespace limner::engine::ml {

class WeightSource;

// diffusers' Upsample2D with use_conv: nearest 2× (or to the skip connection's size when the
// input size was not a multiple of the UNet's total down factor), then a 3×3 convolution.
class Upsample2D {
public:
    static Upsample2D load(const WeightSource& weights, std::int64_t in, std::int64_t out);
    // height/width 0: twice the input.
    at::Tensor forward(const at::Tensor& x, std::int64_t height = 0, std::int64_t width = 0) const;

private:
    Conv2d m_conv;
};

} // namespace limner::engine::ml
