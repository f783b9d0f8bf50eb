#include "engine/ml/nn/VqModel.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

#include <algorithm>
#include <c10/util/Exception.h>

namespace limner::engine::ml {

Status VqModel::load(const nlohmann::json& json, const StateDict& weights, c10::Device device,
                     c10::ScalarType dtype, VqModel& out) {
    try {
        const ModelConfig config(json, "VQModel");
        config.requireOneOf("_class_name", {"VQModel"});
        config.requireOneOf("norm_type", {"group", "spatial"});
        config.requireOneOf("lookup_from_codebook", {false});
        VqModel m;
        const WeightSource w(weights, device, dtype);
        m.m_latentChannels = config.integer("latent_channels", 3);
        const std::int64_t embedDim = config.integer("vq_embed_dim", m.m_latentChannels);
        const std::int64_t codes = config.integer("num_vq_embeddings", 256);
        m.m_spatial = config.string("norm_type", "group") == "spatial";
        m.m_encoder = VaeEncoder::load(config, w.sub("encoder"), m.m_latentChannels);
        m.m_quantConv = Conv2d::load(w, "quant_conv", m.m_latentChannels, embedDim, 1);
        m.m_codebook = w.sub("quantize").get("embedding.weight", {codes, embedDim});
        m.m_postQuantConv = Conv2d::load(w, "post_quant_conv", embedDim, m.m_latentChannels, 1);
        m.m_decoder = VaeDecoder::load(config, w.sub("decoder"), m.m_spatial);
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
        return Status::modelFormat(std::string("VQModel: ") + e.what_without_backtrace());
    }
}

std::uint64_t VqModel::decodeBytes(std::int64_t batch, std::int64_t height, std::int64_t width,
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

AutoencoderTiling VqModel::tiling(std::int64_t elementSize) const {
    return AutoencoderTiling::forAutoencoder(m_downFactor, bytesPerPixel(elementSize));
}

at::Tensor VqModel::encode(const at::Tensor& image, const AutoencoderTiling& tiles) const {
    const AutoencoderTiling::Code outer = [this](const at::Tensor& tile,
                                                 const AutoencoderTiling::Window&) {
        return m_encoder.outer(tile);
    };
    return m_quantConv.forward(m_encoder.inner(tiles.encode(image.to(m_device, m_dtype), outer)));
}

VqModel::Quantized VqModel::quantize(const at::Tensor& latents) const {
    const at::Tensor z = latents.to(m_device, m_dtype).permute({0, 2, 3, 1}).contiguous();
    const at::Tensor flat = z.view({-1, m_codebook.size(1)});
    Quantized q;
    q.indices = at::argmin(at::cdist(flat, m_codebook), 1);
    const at::Tensor zq = at::embedding(m_codebook, q.indices).view(z.sizes());
    // The straight-through estimator's arithmetic, kept so values match diffusers bit for bit.
    q.latents = (z + (zq - z)).permute({0, 3, 1, 2}).contiguous();
    return q;
}

at::Tensor VqModel::decode(const at::Tensor& latents, bool forceNotQuantize,
                           const AutoencoderTiling& tiles) const {
    const at::Tensor quant =
        forceNotQuantize ? latents.to(m_device, m_dtype) : quantize(latents).latents;
    const at::Tensor condition = m_spatial ? quant : at::Tensor();
    // A tile's spatial norms are conditioned on that tile's latents: SpatialNorm scales its
    // condition to the size of the features it normalises, so the whole latents given to one tile
    // would be squeezed into it.
    const AutoencoderTiling::Code outer = [this, &condition](const at::Tensor& tile,
                                                             const AutoencoderTiling::Window& w) {
        return m_decoder.outer(tile, condition.defined() ? w.of(condition) : at::Tensor());
    };
    return tiles.decode(m_decoder.inner(m_postQuantConv.forward(quant), condition), outer);
}

} // namespace limner::engine::ml
