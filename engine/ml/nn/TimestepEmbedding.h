#pragma once

#include "engine/ml/nn/Activation.h"
#include "engine/ml/nn/Linear.h"

#include <ATen/core/Tensor.h>
#include <cstdint>

namespace limner::engine::ml {

class WeightSource;

// diffusers' Timesteps (sinusoidal projection) followed by TimestepEmbedding (linear_1, act,
// linear_2).
class TimestepEmbedding {
public:
    static TimestepEmbedding load(const WeightSource& weights, std::int64_t in, std::int64_t hidden,
                                  std::int64_t out, Activation activation);
    // get_timestep_embedding: timesteps [batch] → [batch, dim], float32.
    static at::Tensor sinusoidal(const at::Tensor& timesteps, std::int64_t dim, bool flipSinToCos,
                                 double freqShift);

    at::Tensor forward(const at::Tensor& x) const;

private:
    Linear m_linear1, m_linear2;
    Activation m_activation;
};

} // namespace limner::engine::ml
