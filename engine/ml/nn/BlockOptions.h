#pragma once

#include "engine/ml/nn/Activation.h"
#include "engine/ml/nn/ResnetBlock2D.h"

#include <cstdint>
#include <string>

namespace limner::engine::ml {

// What get_down_block / get_up_block / the mid-block constructors of diffusers receive: the
// block type by its diffusers name and the options derived from the model's config.
struct BlockOptions {
    std::string type;
    std::int64_t in = 0;
    std::int64_t out = 0;
    std::int64_t prevOut = 0; // up blocks: channels coming from the block below
    std::int64_t tembChannels = 0;
    std::int64_t layers = 1;
    std::int64_t groups = 32;
    double eps = 1e-5;
    Activation activation{Activation::Kind::Silu};
    ResnetBlock2D::TimeNorm timeNorm = ResnetBlock2D::TimeNorm::Default;
    double outputScale = 1.0;
    bool skipTimeAct = false;
    bool addSample = false; // down- or upsampler at the end
    std::int64_t downsamplePadding = 1;
    // CrossAttn (Transformer2D) blocks: number of heads; head size = channels / heads.
    std::int64_t transformerHeads = 1;
    std::int64_t transformerLayers = 1;
    // SimpleCrossAttn and VAE attention blocks: head size; heads = channels / head size.
    std::int64_t attentionHeadDim = 0;
    std::int64_t crossDim = 0;
    bool useLinearProjection = false;
    bool onlyCrossAttention = false;
    bool upcastAttention = false;
    bool addAttention = true; // UNetMidBlock2D (VAE) only
};

} // namespace limner::engine::ml
