#include "engine/ml/nn/Transformer2D.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

Transformer2D Transformer2D::load(const WeightSource& w, const Options& o) {
    Transformer2D t;
    t.m_options = o;
    const std::int64_t inner = o.heads * o.headDim;
    t.m_norm = GroupNorm::load(w, "norm", o.groups, o.channels, 1e-6);
    if (o.useLinearProjection) {
        t.m_linearIn = Linear::load(w, "proj_in", o.channels, inner);
        t.m_linearOut = Linear::load(w, "proj_out", inner, o.channels);
    } else {
        t.m_convIn = Conv2d::load(w, "proj_in", o.channels, inner, 1);
        t.m_convOut = Conv2d::load(w, "proj_out", inner, o.channels, 1);
    }
    BasicTransformerBlock::Options b;
    b.dim = inner;
    b.heads = o.heads;
    b.headDim = o.headDim;
    b.crossDim = o.crossDim;
    b.onlyCrossAttention = o.onlyCrossAttention;
    b.upcastAttention = o.upcastAttention;
    for (std::int64_t i = 0; i < o.layers; ++i)
        t.m_blocks.push_back(
            BasicTransformerBlock::load(w.sub("transformer_blocks", static_cast<std::size_t>(i)), b));
    return t;
}

at::Tensor Transformer2D::forward(const at::Tensor& x, const at::Tensor& context) const {
    const std::int64_t batch = x.size(0), height = x.size(2), width = x.size(3);
    at::Tensor h = m_norm.forward(x);
    if (m_options.useLinearProjection) {
        h = m_linearIn.forward(h.permute({0, 2, 3, 1}).reshape({batch, height * width, -1}));
    } else {
        h = m_convIn.forward(h);
        h = h.permute({0, 2, 3, 1}).reshape({batch, height * width, -1});
    }
    for (const BasicTransformerBlock& block : m_blocks)
        h = block.forward(h, context, at::Tensor());
    if (m_options.useLinearProjection) {
        h = m_linearOut.forward(h);
        h = h.reshape({batch, height, width, -1}).permute({0, 3, 1, 2}).contiguous();
    } else {
        h = h.reshape({batch, height, width, -1}).permute({0, 3, 1, 2}).contiguous();
        h = m_convOut.forward(h);
    }
    return h + x;
}

} // namespace limner::engine::ml
