#include "engine/ml/nn/AutoencoderKl.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

#include <algorithm>
#include <c10/util/Exception.h>

namespace limner::engine::ml {

Status AutoencoderKl::load(const nlohmann::json& json, const StateDict& weights, c10::Device device,
                           c10::ScalarType dtype, AutoencoderKl& out) {
    try {
        const ModelConfig config(json, "AutoencoderKL");
        config.requireOneOf("_class_name", {"AutoencoderKL"});
        AutoencoderKl m;
        const WeightSource w(weights, device, dtype);
        const std::int64_t latent = config.integer("latent_channels", 4);
        m.m_encoder = VaeEncoder::load(config, w.sub("encoder"), 2 * latent);
        m.m_decoder = VaeDecoder::load(config, w.sub("decoder"), false);
        if (config.boolean("use_quant_conv", true))
            m.m_quantConv = Conv2d::load(w, "quant_conv", 2 * latent, 2 * latent, 1);
        if (config.boolean("use_post_quant_conv", true))
            m.m_postQuantConv = Conv2d::load(w, "post_quant_conv", latent, latent, 1);
        m.m_scalingFactor = config.number("scaling_factor", 0.18215);
        m.m_downFactor = std::int64_t{1} << (config.integers("block_out_channels").size() - 1);
        m.m_fullResolutionChannels = config.integers("block_out_channels").front();
        m.m_dtype = dtype;
        m.m_device = device;
        w.requireAllUsed();
        out = std::move(m);
        return Status::ok();
    } catch (const ModelFormatError& e) {
        return Status::modelFormat(e.what());
    } catch (const c10::Error& e) {
        return Status::modelFormat(std::string("AutoencoderKL: ") + e.what_without_backtrace());
    }
}

std::uint64_t AutoencoderKl::decodeBytes(std::int64_t batch, std::int64_t height, std::int64_t width,
                                         std::int64_t elementSize) const {
    const AutoencoderTiling t = tiling(elementSize);
    if (t.tiles(height / m_downFactor, width / m_downFactor)) {
        batch = 1;
        height = t.axis(height / m_downFactor).length * m_downFactor;
        width = t.axis(width / m_downFactor).length * m_downFactor;
    }
    return static_cast<std::uint64_t>(batch * height * width) *
           static_cast<std::uint64_t>(bytesPerPixel(elementSize));
}

AutoencoderTiling AutoencoderKl::tiling(std::int64_t elementSize) const {
    return AutoencoderTiling::forAutoencoder(m_downFactor, bytesPerPixel(elementSize));
}

AutoencoderKl::Posterior AutoencoderKl::encode(const at::Tensor& image,
                                               const AutoencoderTiling& tiles) const {
    const AutoencoderTiling::Code outer = [this](const at::Tensor& tile,
                                                 const AutoencoderTiling::Window&) {
        return m_encoder.outer(tile);
    };
    at::Tensor moments = m_encoder.inner(tiles.encode(image.to(m_device, m_dtype), outer));
    if (m_quantConv)
        moments = m_quantConv->forward(moments);
    std::vector<at::Tensor> parts = moments.chunk(2, 1);
    Posterior p;
    p.mean = parts[0];
    p.logvar = at::clamp(parts[1], -30.0, 20.0);
    p.std = at::exp(0.5 * p.logvar);
    return p;
}

at::Tensor AutoencoderKl::decode(const at::Tensor& latents, const AutoencoderTiling& tiles) const {
    at::Tensor z = latents.to(m_device, m_dtype);
    if (m_postQuantConv)
        z = m_postQuantConv->forward(z);
    const AutoencoderTiling::Code outer = [this](const at::Tensor& tile,
                                                 const AutoencoderTiling::Window&) {
        return m_decoder.outer(tile, at::Tensor());
    };
    return tiles.decode(m_decoder.inner(z, at::Tensor()), outer);
}

} // namespace limner::engine::ml
