#pragma once

#include "engine/ml/nn/Activation.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/GroupNorm.h"
#include "engine/ml/nn/Linear.h"
#include "engine/ml/nn/SpatialNorm.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <optional>

namespace limner::engine::ml {

class WeightSource;

// diffusers' ResnetBlock2D: norm, act, conv, time embedding (added, or as scale and shift), norm,
// act, conv, plus a 1×1 shortcut when the channel count changes. "spatial" uses SpatialNorm
// conditioned on the latents instead of a time embedding. `resample` makes it the resnet
// up/down-sampler of ResnetDownsampleBlock2D / ResnetUpsampleBlock2D.
class ResnetBlock2D {
public:
    enum class TimeNorm { Default, ScaleShift, Spatial };
    enum class Resample { None, Up, Down };
    struct Options {
        std::int64_t in = 0;
        std::int64_t out = 0;
        std::int64_t tembChannels = 0; // 0: no time embedding
        std::int64_t groups = 32;
        double eps = 1e-6;
        Activation activation{Activation::Kind::Silu};
        TimeNorm timeNorm = TimeNorm::Default;
        double outputScale = 1.0;
        bool skipTimeAct = false;
        Resample resample = Resample::None;
    };

    static ResnetBlock2D load(const WeightSource& weights, const Options& options);
    // temb: [batch, tembChannels] (or the latents for TimeNorm::Spatial); may be undefined.
    // Without autograd (inference) the block reuses its own intermediates; the values are the
    // same either way.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& temb) const;

private:
    at::Tensor forwardInPlace(const at::Tensor& x, const at::Tensor& temb) const;
    at::Tensor norm1(const at::Tensor& x, const at::Tensor& temb) const;
    at::Tensor norm2(const at::Tensor& x, const at::Tensor& temb) const;
    at::Tensor resample(const at::Tensor& x) const;

    Options m_options;
    GroupNorm m_norm1, m_norm2;
    SpatialNorm m_spatial1, m_spatial2;
    Conv2d m_conv1, m_conv2;
    std::optional<Linear> m_timeProj;
    std::optional<Conv2d> m_shortcut;
};

} // namespace limner::engine::ml
