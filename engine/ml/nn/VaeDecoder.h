#pragma once

#include "engine/ml/nn/Activation.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/GroupNorm.h"
#include "engine/ml/nn/MidBlock2D.h"
#include "engine/ml/nn/SpatialNorm.h"
#include "engine/ml/nn/UpBlock2D.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <vector>

namespace limner::engine::ml {

class ModelConfig;
class WeightSource;

// diffusers' vae.Decoder; with spatialNorm (MoVQ, norm_type "spatial") every norm is a
// SpatialNorm conditioned on the latents given to forward().
class VaeDecoder {
public:
    static VaeDecoder load(const ModelConfig& config, const WeightSource& weights, bool spatialNorm);
    // condition: the SpatialNorm latents (ignored without spatial norm).
    at::Tensor forward(const at::Tensor& z, const at::Tensor& condition) const {
        return outer(inner(z, condition), condition);
    }
    // The layers at the latents' resolution: conv_in and the mid block (whose attention sees the
    // whole region).
    at::Tensor inner(const at::Tensor& z, const at::Tensor& condition) const;
    // The layers from there to the image's resolution (the up blocks and the output layers): what
    // holds the memory, and what tiles split. condition: the latents of the same region as h.
    at::Tensor outer(at::Tensor h, const at::Tensor& condition) const;

private:
    Conv2d m_convIn;
    MidBlock2D m_mid;
    std::vector<UpBlock2D> m_blocks;
    GroupNorm m_normOut;
    SpatialNorm m_spatialNormOut;
    bool m_spatial = false;
    Activation m_activation;
    Conv2d m_convOut;
};

} // namespace limner::engine::ml
