#include "engine/ml/nn/Conv2d.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

Conv2d Conv2d::load(const WeightSource& weights, const std::string& name, std::int64_t in,
                    std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                    bool bias) {
    Conv2d c;
    const WeightSource w = weights.sub(name);
    c.m_weight = w.get("weight", {out, in, kernel, kernel});
    if (bias)
        c.m_bias = w.get("bias", {out});
    c.m_stride = stride;
    c.m_padding = padding;
    return c;
}

at::Tensor Conv2d::forward(const at::Tensor& x) const {
    return at::conv2d(x, m_weight, m_bias, {m_stride, m_stride}, {m_padding, m_padding});
}

} // namespace limner::engine::ml
