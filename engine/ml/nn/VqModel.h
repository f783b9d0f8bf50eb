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

namespace limner::engine::ml {

// diffusers' VQModel; with norm_type "spatial" it is Kandinsky 2.2's MoVQ. The Kandinsky
// pipelines encode without quantising and decode with force_not_quantize=True.
class VqModel {
public:
    struct Quantized {
        at::Tensor latents; // [batch, vq_embed_dim, h, w], nearest codebook entries
        at::Tensor indices; // [batch · h · w] int64, first index on ties
    };

    static Status load(const nlohmann::json& config, const StateDict& weights, c10::Device device,
                       c10::ScalarType dtype, VqModel& out);

    // quant_conv(encoder(image)), not quantised. Regions larger than a tile are coded in tiles
    // (see AutoencoderTiling).
    at::Tensor encode(const at::Tensor& image) const { return encode(image, tiling(dtypeBytes())); }
    at::Tensor encode(const at::Tensor& image, const AutoencoderTiling& tiles) const;
    Quantized quantize(const at::Tensor& latents) const;
    at::Tensor decode(const at::Tensor& latents, bool forceNotQuantize = true) const {
        return decode(latents, forceNotQuantize, tiling(dtypeBytes()));
    }
    at::Tensor decode(const at::Tensor& latents, bool forceNotQuantize,
                      const AutoencoderTiling& tiles) const;

    std::int64_t downFactor() const { return m_downFactor; }
    // Rough peak bytes of decoding `batch` images of height × width pixels (the full-resolution
    // feature maps dominate); a region coded in tiles costs one tile of one image.
    std::uint64_t decodeBytes(std::int64_t batch, std::int64_t height, std::int64_t width,
                              std::int64_t elementSize) const;
    // The tiles encode() and decode() use now in elements of elementSize bytes (by
    // AutoencoderTiling's process-wide setting).
    AutoencoderTiling tiling(std::int64_t elementSize) const;
    std::int64_t latentChannels() const { return m_latentChannels; }

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
    Conv2d m_quantConv, m_postQuantConv;
    at::Tensor m_codebook;
    bool m_spatial = false;
    std::int64_t m_downFactor = 8;
    std::int64_t m_fullResolutionChannels = 128;
    std::int64_t m_latentChannels = 4;
    c10::ScalarType m_dtype = c10::kFloat;
    c10::Device m_device = c10::kCPU;
};

} // namespace limner::engine::ml
