#include "engine/ml/nn/TimestepEmbedding.h"

#include "engine/ml/nn/WeightSource.h"

#include <cmath>

namespace limner::engine::ml {

TimestepEmbedding TimestepEmbedding::load(const WeightSource& w, std::int64_t in, std::int64_t hidden,
                                          std::int64_t out, Activation activation) {
    TimestepEmbedding t;
    t.m_linear1 = Linear::load(w, "linear_1", in, hidden);
    t.m_linear2 = Linear::load(w, "linear_2", hidden, out);
    t.m_activation = activation;
    return t;
}

at::Tensor TimestepEmbedding::sinusoidal(const at::Tensor& timesteps, std::int64_t dim,
                                         bool flipSinToCos, double freqShift) {
    const std::int64_t half = dim / 2;
    const auto options = timesteps.options().dtype(at::kFloat);
    at::Tensor exponent = at::arange(0, half, options) * (-std::log(10000.0));
    exponent = exponent / (static_cast<double>(half) - freqShift);
    at::Tensor emb = timesteps.to(at::kFloat).unsqueeze(1) * at::exp(exponent).unsqueeze(0);
    emb = at::cat({at::sin(emb), at::cos(emb)}, -1);
    if (flipSinToCos)
        emb = at::cat({emb.slice(1, half), emb.slice(1, 0, half)}, -1);
    if (dim % 2 == 1)
        emb = at::constant_pad_nd(emb, {0, 1});
    return emb;
}

at::Tensor TimestepEmbedding::forward(const at::Tensor& x) const {
    return m_linear2.forward(m_activation.forward(m_linear1.forward(x)));
}

} // namespace limner::engine::ml
