#include "engine/ml/nn/BasicTransformerBlock.h"

#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

BasicTransformerBlock BasicTransformerBlock::load(const WeightSource& w, const Options& o) {
    BasicTransformerBlock b;
    b.m_options = o;
    Attention::Options a;
    a.queryDim = o.dim;
    a.heads = o.heads;
    a.headDim = o.headDim;
    a.bias = o.attentionBias;
    a.upcast = o.upcastAttention;
    a.crossDim = o.onlyCrossAttention ? o.crossDim : 0;
    b.m_norm1 = LayerNorm::load(w, "norm1", o.dim, o.normEps);
    b.m_attn1 = Attention::load(w.sub("attn1"), a);
    if (o.crossDim > 0) {
        a.crossDim = o.crossDim;
        b.m_norm2 = LayerNorm::load(w, "norm2", o.dim, o.normEps);
        b.m_attn2 = Attention::load(w.sub("attn2"), a);
    }
    b.m_norm3 = LayerNorm::load(w, "norm3", o.dim, o.normEps);
    const std::int64_t inner = 4 * o.dim;
    const WeightSource ff = w.sub("ff.net");
    b.m_ffIn = Linear::load(ff.sub("0"), "proj", o.dim,
                            o.feedForward == FeedForward::Geglu ? 2 * inner : inner);
    b.m_ffOut = Linear::load(ff, "2", inner, o.dim);
    return b;
}

at::Tensor BasicTransformerBlock::forward(at::Tensor x, const at::Tensor& context,
                                          const at::Tensor& mask) const {
    x = x + m_attn1.forward(m_norm1.forward(x), m_options.onlyCrossAttention ? context : at::Tensor(),
                            mask);
    if (m_attn2)
        x = x + m_attn2->forward(m_norm2->forward(x), context, at::Tensor());
    at::Tensor h = m_ffIn.forward(m_norm3.forward(x));
    if (m_options.feedForward == FeedForward::Geglu) {
        std::vector<at::Tensor> parts = h.chunk(2, -1);
        h = parts[0] * at::gelu(parts[1]);
    } else {
        h = at::gelu(h);
    }
    return x + m_ffOut.forward(h);
}

} // namespace limner::engine::ml
