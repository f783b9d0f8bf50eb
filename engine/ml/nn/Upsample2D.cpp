#include "engine/ml/nn/Upsample2D.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

Upsample2D Upsample2D::load(const WeightSource& w, std::int64_t in, std::int64_t out) {
    Upsample2D u;
    u.m_conv = Conv2d::load(w, "conv", in, out, 3, 1, 1);
    return u;
}

at::Tensor Upsample2D::forward(const at::Tensor& x, std::int64_t height, std::int64_t width) const {
    const std::int64_t h = height > 0 ? height : 2 * x.size(2);
    const std::int64_t w = width > 0 ? width : 2 * x.size(3);
    return m_conv.forward(at::upsample_nearest2d(x, {h, w}));
}

} // namespace limner::engine::ml
