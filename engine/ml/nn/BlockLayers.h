#pragma once

#include "engine/ml/nn/Attention.h"
#include "engine/ml/nn/BlockOptions.h"
#include "engine/ml/nn/ResnetBlock2D.h"
#include "engine/ml/nn/Transformer2D.h"

namespace limner::engine::ml {

class WeightSource;

// The layers that down, up and mid blocks share, configured from BlockOptions the way the
// diffusers block constructors configure them.
class BlockLayers {
public:
    static ResnetBlock2D resnet(const WeightSource& weights, const BlockOptions& o, std::int64_t in,
                                std::int64_t out,
                                ResnetBlock2D::Resample resample = ResnetBlock2D::Resample::None);
    // Transformer2DModel of CrossAttn blocks.
    static Transformer2D transformer(const WeightSource& weights, const BlockOptions& o,
                                     std::int64_t channels);
    // Attention with added key/value projections of SimpleCrossAttn blocks.
    static Attention addedKvAttention(const WeightSource& weights, const BlockOptions& o,
                                      std::int64_t channels);
    // Single-head-style spatial self-attention of VAE / MoVQ blocks (group or spatial norm).
    static Attention spatialAttention(const WeightSource& weights, const BlockOptions& o,
                                      std::int64_t channels);
};

} // namespace limner::engine::ml
