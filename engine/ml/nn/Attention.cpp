#include "engine/ml/nn/Attention.h"

#include "engine/ml/nn/AttentionKernel.h"
#include "engine/ml/nn/WeightSource.h"

#include <cmath>

namespace limner::engine::ml {

namespace {

// Checkpoints saved before diffusers 0.14 name the VAE attention projections differently; the
// library renames them on load, and so do we.
std::string renamed(const WeightSource& w, const std::string& name, const std::string& legacy) {
    return !w.has(name + ".weight") && w.has(legacy + ".weight") ? legacy : name;
}

} // namespace

Attention Attention::load(const WeightSource& w, const Options& o) {
    Attention a;
    a.m_options = o;
    const std::int64_t inner = o.heads * o.headDim;
    const std::int64_t keyDim = o.crossDim > 0 ? o.crossDim : o.queryDim;
    a.m_q = Linear::load(w, renamed(w, "to_q", "query"), o.queryDim, inner, o.bias);
    if (o.addedKvDim > 0) {
        a.m_addK = Linear::load(w, "add_k_proj", o.addedKvDim, inner);
        a.m_addV = Linear::load(w, "add_v_proj", o.addedKvDim, inner);
        if (!o.onlyCrossAttention) {
            a.m_k = Linear::load(w, "to_k", o.queryDim, inner, o.bias);
            a.m_v = Linear::load(w, "to_v", o.queryDim, inner, o.bias);
        }
    } else {
        a.m_k = Linear::load(w, renamed(w, "to_k", "key"), keyDim, inner, o.bias);
        a.m_v = Linear::load(w, renamed(w, "to_v", "value"), keyDim, inner, o.bias);
    }
    a.m_out = Linear::load(w, renamed(w, "to_out.0", "proj_attn"), inner, o.queryDim, true);
    if (o.groupNormGroups > 0)
        a.m_groupNorm = GroupNorm::load(w, "group_norm", o.groupNormGroups, o.queryDim, o.groupNormEps);
    if (o.spatialNormDim > 0)
        a.m_spatialNorm = SpatialNorm::load(w, "spatial_norm", o.queryDim, o.spatialNormDim);
    return a;
}

at::Tensor Attention::splitHeads(const at::Tensor& t) const {
    return t.view({t.size(0), t.size(1), m_options.heads, m_options.headDim}).transpose(1, 2);
}

at::Tensor Attention::forward(const at::Tensor& x, const at::Tensor& context, const at::Tensor& mask,
                              const at::Tensor& temb) const {
    if (m_addK)
        return forwardAddedKv(x, context, mask);
    const double scale = 1.0 / std::sqrt(static_cast<double>(m_options.headDim));
    at::Tensor h = m_spatialNorm ? m_spatialNorm->forward(x, temb) : x;
    const bool spatial = h.dim() == 4;
    if (spatial)
        h = h.flatten(2).transpose(1, 2);
    if (m_groupNorm)
        h = m_groupNorm->forward(h.transpose(1, 2)).transpose(1, 2);
    const at::Tensor& keys = context.defined() ? context : h;
    at::Tensor o =
        AttentionKernel::attend(splitHeads(m_q.forward(h)), splitHeads(m_k->forward(keys)),
                                splitHeads(m_v->forward(keys)), mask, scale, m_options.upcast);
    o = m_out.forward(o.transpose(1, 2).flatten(2));
    if (spatial)
        o = o.transpose(1, 2).reshape(x.sizes());
    if (m_options.residualConnection)
        o = o + x;
    return m_options.rescaleOutputFactor == 1.0 ? o : o / m_options.rescaleOutputFactor;
}

at::Tensor Attention::forwardAddedKv(const at::Tensor& x, const at::Tensor& context,
                                     const at::Tensor& mask) const {
    const double scale = 1.0 / std::sqrt(static_cast<double>(m_options.headDim));
    at::Tensor h = x.flatten(2).transpose(1, 2);
    const at::Tensor& ctx = context.defined() ? context : h;
    h = m_groupNorm ? m_groupNorm->forward(h.transpose(1, 2)).transpose(1, 2) : h;
    const at::Tensor q = splitHeads(m_q.forward(h));
    at::Tensor k = splitHeads(m_addK->forward(ctx));
    at::Tensor v = splitHeads(m_addV->forward(ctx));
    if (m_k) {
        k = at::cat({k, splitHeads(m_k->forward(h))}, 2);
        v = at::cat({v, splitHeads(m_v->forward(h))}, 2);
    }
    at::Tensor o = AttentionKernel::attend(q, k, v, mask, scale, m_options.upcast);
    o = m_out.forward(o.transpose(1, 2).flatten(2));
    return o.transpose(1, 2).reshape(x.sizes()) + x;
}

} // namespace limner::engine::ml
