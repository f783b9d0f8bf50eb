#include "engine/ml/nn/BlockLayers.h"

#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

namespace {

std::int64_t headsFor(const WeightSource& w, std::int64_t channels, std::int64_t headDim) {
    if (headDim <= 0 || channels % headDim != 0)
        throw ModelFormatError("attention '" + w.fullName("") + "': " + std::to_string(channels) +
                               " channels cannot be split into heads of " + std::to_string(headDim) +
                               " (config attention_head_dim)");
    return channels / headDim;
}

} // namespace

ResnetBlock2D BlockLayers::resnet(const WeightSource& w, const BlockOptions& o, std::int64_t in,
                                  std::int64_t out, ResnetBlock2D::Resample resample) {
    ResnetBlock2D::Options r;
    r.in = in;
    r.out = out;
    r.tembChannels = o.tembChannels;
    r.groups = o.groups;
    r.eps = o.eps;
    r.activation = o.activation;
    r.timeNorm = o.timeNorm;
    r.outputScale = o.outputScale;
    r.skipTimeAct = o.skipTimeAct;
    r.resample = resample;
    return ResnetBlock2D::load(w, r);
}

Transformer2D BlockLayers::transformer(const WeightSource& w, const BlockOptions& o,
                                       std::int64_t channels) {
    if (o.transformerHeads <= 0 || channels % o.transformerHeads != 0)
        throw ModelFormatError("transformer '" + w.fullName("") + "': " + std::to_string(channels) +
                               " channels cannot be split into " + std::to_string(o.transformerHeads) +
                               " heads (config num_attention_heads / attention_head_dim)");
    Transformer2D::Options t;
    t.channels = channels;
    t.heads = o.transformerHeads;
    t.headDim = channels / o.transformerHeads;
    t.layers = o.transformerLayers;
    t.crossDim = o.crossDim;
    t.groups = o.groups;
    t.useLinearProjection = o.useLinearProjection;
    t.onlyCrossAttention = o.onlyCrossAttention;
    t.upcastAttention = o.upcastAttention;
    return Transformer2D::load(w, t);
}

Attention BlockLayers::addedKvAttention(const WeightSource& w, const BlockOptions& o,
                                        std::int64_t channels) {
    Attention::Options a;
    a.queryDim = channels;
    a.crossDim = channels;
    a.headDim = o.attentionHeadDim;
    a.heads = headsFor(w, channels, o.attentionHeadDim);
    a.addedKvDim = o.crossDim;
    a.groupNormGroups = o.groups;
    a.groupNormEps = 1e-5; // diffusers does not pass the resnet eps here
    a.bias = true;
    a.upcast = true;
    a.onlyCrossAttention = o.onlyCrossAttention;
    return Attention::load(w, a);
}

Attention BlockLayers::spatialAttention(const WeightSource& w, const BlockOptions& o,
                                        std::int64_t channels) {
    Attention::Options a;
    a.queryDim = channels;
    a.headDim = o.attentionHeadDim > 0 ? o.attentionHeadDim : channels;
    a.heads = headsFor(w, channels, a.headDim);
    a.rescaleOutputFactor = o.outputScale;
    a.residualConnection = true;
    a.bias = true;
    a.upcast = true;
    if (o.timeNorm == ResnetBlock2D::TimeNorm::Spatial) {
        a.spatialNormDim = o.tembChannels;
    } else {
        a.groupNormGroups = o.groups;
        a.groupNormEps = o.eps;
    }
    return Attention::load(w, a);
}

} // namespace limner::engine::ml
