#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/StateDict.h"
#include "engine/ml/nn/VaeDecoder.h"
#include "engine/ml/nn/VaeEncoder.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <nlohmann/json_fwd.hpp>
#include <optional>

namespace limner::engine::ml {

// diffusers' AutoencoderKL (the Stable Diffusion VAE). scaling_factor is not applied here:
// pipelines multiply encoded latents by it and divide by it before decoding.
class AutoencoderKl {
public:
    struct Posterior {
        at::Tensor mean;
        at::Tensor logvar; // clamped to [-30, 20]
        at::Tensor std;    // exp(0.5 · logvar)
    };

    static Status load(const nlohmann::json& config, const StateDict& weights, c10::Device device,
                       c10::ScalarType dtype, AutoencoderKl& out);

    // image [batch, in_channels, H, W] in [-1, 1].
    Posterior encode(const at::Tensor& image) const;
    at::Tensor decode(const at::Tensor& latents) const;

    double scalingFactor() const { return m_scalingFactor; }
    // Image pixels per latent pixel along one side: 2^(levels - 1).
    std::int64_t downFactor() const { return m_downFactor; }
    // Rough peak bytes of decoding `batch` images of height × width pixels (the full-resolution
    // feature maps dominate).
    std::uint64_t decodeBytes(std::int64_t batch, std::int64_t height, std::int64_t width,
                              std::int64_t elementSize) const {
        return static_cast<std::uint64_t>(batch * height * width) *
               static_cast<std::uint64_t>(6 * m_widestChannels * elementSize);
    }

private:
    VaeEncoder m_encoder;
    VaeDecoder m_decoder;
    std::optional<Conv2d> m_quantConv, m_postQuantConv;
    double m_scalingFactor = 0.18215;
    std::int64_t m_downFactor = 8;
    std::int64_t m_widestChannels = 512;
    c10::ScalarType m_dtype = c10::kFloat;
    c10::Device m_device = c10::kCPU;
};

} // namespace limner::engine::ml
