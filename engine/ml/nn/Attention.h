#pragma once

#include "engine/ml/nn/GroupNorm.h"
#include "engine/ml/nn/Linear.h"
#include "engine/ml/nn/SpatialNorm.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <optional>

namespace limner::engine::ml {

class WeightSource;

// diffusers' Attention with its default processor (AttnProcessor) and, when addedKvDim is set,
// AttnAddedKVProcessor: the image tokens attend over [projected context ; own tokens]
// (SimpleCrossAttn blocks of Kandinsky). Takes [batch, tokens, dim] or [batch, C, H, W] (VAE /
// MoVQ blocks, with group or spatial norm and a residual connection).
class Attention {
public:
    struct Options {
        std::int64_t queryDim = 0;
        std::int64_t crossDim = 0; // 0: self-attention only (keys from the query input)
        std::int64_t heads = 1;
        std::int64_t headDim = 64;
        bool bias = false; // to_q / to_k / to_v
        std::int64_t groupNormGroups = 0;
        double groupNormEps = 1e-5;
        std::int64_t spatialNormDim = 0;
        std::int64_t addedKvDim = 0;
        bool onlyCrossAttention = false;
        bool residualConnection = false;
        double rescaleOutputFactor = 1.0;
        bool upcast = false;
    };

    static Attention load(const WeightSource& weights, const Options& options);
    // context: encoder hidden states [batch, tokens, crossDim] or undefined; mask additive,
    // broadcastable to [batch, heads, queries, keys] or undefined; temb: SpatialNorm condition.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const at::Tensor& mask,
                       const at::Tensor& temb = at::Tensor()) const;

private:
    at::Tensor splitHeads(const at::Tensor& t) const;
    at::Tensor forwardAddedKv(const at::Tensor& x, const at::Tensor& context,
                              const at::Tensor& mask) const;

    Options m_options;
    Linear m_q;
    std::optional<Linear> m_k, m_v; // absent with added KV and only_cross_attention
    Linear m_out;
    std::optional<Linear> m_addK, m_addV;
    std::optional<GroupNorm> m_groupNorm;
    std::optional<SpatialNorm> m_spatialNorm;
};

} // namespace limner::engine::ml
