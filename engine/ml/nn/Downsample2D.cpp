#include "engine/ml/nn/Downsample2D.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

Downsample2D Downsample2D::load(const WeightSource& w, std::int64_t in, std::int64_t out,
                                std::int64_t padding) {
    Downsample2D d;
    d.m_conv = Conv2d::load(w, "conv", in, out, 3, 2, padding);
    d.m_padding = padding;
    return d;
}

at::Tensor Downsample2D::forward(const at::Tensor& x) const {
    if (m_padding == 0)
        return m_conv.forward(at::constant_pad_nd(x, {0, 1, 0, 1}, 0));
    return m_conv.forward(x);
}

} // namespace limner::engine::ml
