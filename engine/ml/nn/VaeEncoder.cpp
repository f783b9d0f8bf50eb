#include "engine/ml/nn/VaeEncoder.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

VaeEncoder VaeEncoder::load(const ModelConfig& config, const WeightSource& w,
                            std::int64_t outChannels) {
    VaeEncoder e;
    const std::vector<std::int64_t> channels = config.integers("block_out_channels");
    const std::vector<std::string> types = config.strings("down_block_types");
    if (channels.empty() || types.size() != channels.size())
        config.refuse("down_block_types", "it needs one entry per block_out_channels entry");
    e.m_activation = Activation::fromConfig(config, "act_fn", "silu");
    const std::int64_t groups = config.integer("norm_num_groups", 32);
    const std::int64_t layers = config.integer("layers_per_block", 1);
    e.m_convIn = Conv2d::load(w, "conv_in", config.integer("in_channels", 3), channels[0], 3, 1, 1);
    BlockOptions o;
    o.groups = groups;
    o.eps = 1e-6;
    o.activation = e.m_activation;
    o.layers = layers;
    o.downsamplePadding = 0;
    std::int64_t out = channels[0];
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i] != "DownEncoderBlock2D" && types[i] != "AttnDownEncoderBlock2D")
            config.refuse(
                "down_block_types",
                "block " + std::to_string(i) + " is '" + types[i] +
                    "'; VAE encoders implement DownEncoderBlock2D and AttnDownEncoderBlock2D");
        o.type = types[i];
        o.in = out;
        out = channels[i];
        o.out = out;
        o.attentionHeadDim = out;
        o.addSample = i + 1 < types.size();
        e.m_blocks.push_back(DownBlock2D::load(w.sub("down_blocks", i), o));
    }
    BlockOptions m;
    m.type = "UNetMidBlock2D";
    m.in = m.out = out;
    m.groups = groups;
    m.eps = 1e-6;
    m.activation = e.m_activation;
    m.attentionHeadDim = out;
    m.addAttention = config.boolean("mid_block_add_attention", true);
    e.m_mid = MidBlock2D::load(w.sub("mid_block"), m);
    e.m_normOut = GroupNorm::load(w, "conv_norm_out", groups, out, 1e-6);
    e.m_convOut = Conv2d::load(w, "conv_out", out, outChannels, 3, 1, 1);
    return e;
}

at::Tensor VaeEncoder::outer(const at::Tensor& x) const {
    at::Tensor h = m_convIn.forward(x);
    for (const DownBlock2D& block : m_blocks)
        h = block.forward(std::move(h), at::Tensor(), at::Tensor(), nullptr);
    return h;
}

at::Tensor VaeEncoder::inner(at::Tensor h) const {
    h = m_mid.forward(std::move(h), at::Tensor(), at::Tensor());
    return m_convOut.forward(m_activation.forward(m_normOut.forward(h)));
}

} // namespace limner::engine::ml
