#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/AutoencoderTiling.h"
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
    // Regions larger than a tile are coded in tiles (see AutoencoderTiling).
    Posterior encode(const at::Tensor& image) const { return encode(image, tiling(dtypeBytes())); }
    at::Tensor decode(const at::Tensor& latents) const { return decode(latents, tiling(dtypeBytes())); }
    Posterior encode(const at::Tensor& image, const AutoencoderTiling& tiles) const;
    at::Tensor decode(const at::Tensor& latents, const AutoencoderTiling& tiles) const;

    double scalingFactor() const { return m_scalingFactor; }
    // Image pixels per latent pixel along one side: 2^(levels - 1).
    std::int64_t downFactor() const { return m_downFactor; }
    // Rough peak bytes of decoding `batch` images of height × width pixels (the full-resolution
    // feature maps dominate); a region coded in tiles costs one tile of one image.
    std::uint64_t decodeBytes(std::int64_t batch, std::int64_t height, std::int64_t width,
                              std::int64_t elementSize) const;
    // The tiles encode() and decode() use now in elements of elementSize bytes (by
    // AutoencoderTiling's process-wide setting).
    AutoencoderTiling tiling(std::int64_t elementSize) const;

private:
    std::int64_t dtypeBytes() const { return static_cast<std::int64_t>(c10::elementSize(m_dtype)); }
    // Working bytes per image pixel of a decode. Measured on the CPU in float32 at 512² (the peak
    // resident size less the weights): SD 1.5's VAE 0.82 GiB, Kandinsky 2.2's MoVQ 0.81 GiB,
    // about 6.5 full-resolution maps of the first block's width (128 channels) in both.
    std::int64_t bytesPerPixel(std::int64_t elementSize) const {
        return 7 * m_fullResolutionChannels * elementSize;
    }

    VaeEncoder m_encoder;
    VaeDecoder m_decoder;
    std::optional<Conv2d> m_quantConv, m_postQuantConv;
    double m_scalingFactor = 0.18215;
    std::int64_t m_downFactor = 8;
    std::int64_t m_fullResolutionChannels = 128;
    c10::ScalarType m_dtype = c10::kFloat;
    c10::Device m_device = c10::kCPU;
};

} // namespace limner::engine::ml
