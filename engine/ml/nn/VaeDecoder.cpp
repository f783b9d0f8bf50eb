#include "engine/ml/nn/VaeDecoder.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/WeightSource.h"

#include <ATen/core/grad_mode.h>

namespace limner::engine::ml {

VaeDecoder VaeDecoder::load(const ModelConfig& config, const WeightSource& w, bool spatialNorm) {
    VaeDecoder d;
    d.m_spatial = spatialNorm;
    const std::vector<std::int64_t> channels = config.integers("block_out_channels");
    const std::vector<std::string> types = config.strings("up_block_types");
    if (channels.empty() || types.size() != channels.size())
        config.refuse("up_block_types", "it needs one entry per block_out_channels entry");
    d.m_activation = Activation::fromConfig(config, "act_fn", "silu");
    const std::int64_t groups = config.integer("norm_num_groups", 32);
    const std::int64_t latent = config.integer("latent_channels", 4);
    const std::int64_t tembChannels = spatialNorm ? latent : 0;
    BlockOptions o;
    o.groups = groups;
    o.eps = 1e-6;
    o.activation = d.m_activation;
    o.tembChannels = tembChannels;
    o.timeNorm = spatialNorm ? ResnetBlock2D::TimeNorm::Spatial : ResnetBlock2D::TimeNorm::Default;

    std::int64_t out = channels.back();
    d.m_convIn = Conv2d::load(w, "conv_in", latent, out, 3, 1, 1);
    BlockOptions m = o;
    m.type = "UNetMidBlock2D";
    m.in = m.out = out;
    m.attentionHeadDim = out;
    m.addAttention = config.boolean("mid_block_add_attention", true);
    d.m_mid = MidBlock2D::load(w.sub("mid_block"), m);

    o.layers = config.integer("layers_per_block", 1) + 1;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i] != "UpDecoderBlock2D" && types[i] != "AttnUpDecoderBlock2D")
            config.refuse("up_block_types",
                          "block " + std::to_string(i) + " is '" + types[i] +
                              "'; VAE decoders implement UpDecoderBlock2D and AttnUpDecoderBlock2D");
        o.type = types[i];
        o.in = out;
        out = channels[channels.size() - 1 - i];
        o.out = out;
        o.attentionHeadDim = out;
        o.addSample = i + 1 < types.size();
        d.m_blocks.push_back(UpBlock2D::load(w.sub("up_blocks", i), o));
    }
    if (spatialNorm)
        d.m_spatialNormOut = SpatialNorm::load(w, "conv_norm_out", out, latent);
    else
        d.m_normOut = GroupNorm::load(w, "conv_norm_out", groups, out, 1e-6);
    d.m_convOut = Conv2d::load(w, "conv_out", out, config.integer("out_channels", 3), 3, 1, 1);
    return d;
}

at::Tensor VaeDecoder::inner(const at::Tensor& z, const at::Tensor& condition) const {
    const at::Tensor temb = m_spatial ? condition : at::Tensor();
    // Moved in: each block frees its input as soon as it has used it (at the full resolution
    // of the last blocks that is hundreds of MB).
    return m_mid.forward(m_convIn.forward(z), temb, at::Tensor());
}

at::Tensor VaeDecoder::outer(at::Tensor h, const at::Tensor& condition) const {
    const at::Tensor temb = m_spatial ? condition : at::Tensor();
    for (const UpBlock2D& block : m_blocks)
        h = block.forward(std::move(h), temb, at::Tensor(), nullptr);
    h = m_spatial ? m_spatialNormOut.forward(h, temb) : m_normOut.forward(h);
    // The normalised tensor is this function's own: without autograd it is activated in place.
    return m_convOut.forward(at::GradMode::is_enabled() ? m_activation.forward(h)
                                                        : m_activation.forwardInPlace(std::move(h)));
}

} // namespace limner::engine::ml
