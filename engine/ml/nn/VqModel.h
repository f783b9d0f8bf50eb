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

    // quant_conv(encoder(image)), not quantised.
    at::Tensor encode(const at::Tensor& image) const;
    Quantized quantize(const at::Tensor& latents) const;
    at::Tensor decode(const at::Tensor& latents, bool forceNotQuantize = true) const;

    std::int64_t downFactor() const { return m_downFactor; }
    // Rough peak bytes of decoding `batch` images of height × width pixels (the full-resolution
    // feature maps dominate).
    std::uint64_t decodeBytes(std::int64_t batch, std::int64_t height, std::int64_t width,
                              std::int64_t elementSize) const {
        return static_cast<std::uint64_t>(batch * height * width) *
               static_cast<std::uint64_t>(6 * m_widestChannels * elementSize);
    }
    std::int64_t latentChannels() const { return m_latentChannels; }

private:
    VaeEncoder m_encoder;
    VaeDecoder m_decoder;
    Conv2d m_quantConv, m_postQuantConv;
    at::Tensor m_codebook;
    bool m_spatial = false;
    std::int64_t m_downFactor = 8;
    std::int64_t m_widestChannels = 512;
    std::int64_t m_latentChannels = 4;
    c10::ScalarType m_dtype = c10::kFloat;
    c10::Device m_device = c10::kCPU;
};

} // namespace limner::engine::ml
