#include "engine/ml/nn/UNet2DConditionModel.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

#include <algorithm>
#include <c10/util/Exception.h>

namespace limner::engine::ml {

namespace {

// ImageProjection's default num_image_text_embeds, which UNet2DConditionModel does not override.
constexpr std::int64_t kImageTextTokens = 32;

std::vector<bool> perBlockBool(const ModelConfig& config, const std::string& key, std::size_t count) {
    const nlohmann::json& json = config.json();
    auto it = json.find(key);
    if (it == json.end() || it->is_null())
        return std::vector<bool>(count, false);
    if (it->is_boolean())
        return std::vector<bool>(count, it->get<bool>());
    if (!it->is_array() || it->size() != count)
        config.refuse(key, "it must be true/false or one entry per block");
    std::vector<bool> out;
    for (const nlohmann::json& e : *it) {
        if (!e.is_boolean())
            config.refuse(key, "it must be true/false or one entry per block");
        out.push_back(e.get<bool>());
    }
    return out;
}

std::int64_t required(const ModelConfig& config, const std::optional<std::int64_t>& value,
                      const std::string& key) {
    if (!value)
        config.refuse(key, "a value is needed for this block type");
    return *value;
}

void refuseUnsupported(const ModelConfig& config) {
    config.requireOneOf("_class_name", {"UNet2DConditionModel"});
    config.requireOneOf("time_embedding_type", {"positional"});
    config.requireOneOf("attention_type", {"default"});
    config.requireOneOf("dual_cross_attention", {false});
    config.requireOneOf("addition_embed_type", {"image"});
    config.requireOneOf("encoder_hid_dim_type", {"image_proj", "text_proj"});
    if (!config.isNull("class_embed_type"))
        config.refuse("class_embed_type", "Limner implements no class embeddings");
    if (!config.isNull("num_class_embeds"))
        config.refuse("num_class_embeds", "Limner implements no class embeddings");
    if (!config.isNull("time_cond_proj_dim"))
        config.refuse("time_cond_proj_dim", "Limner implements no timestep conditioning");
    if (!config.isNull("timestep_post_act"))
        config.refuse("timestep_post_act", "Limner implements none");
    if (!config.isNull("cross_attention_norm"))
        config.refuse("cross_attention_norm", "Limner implements none");
    if (!config.isNull("reverse_transformer_layers_per_block"))
        config.refuse("reverse_transformer_layers_per_block", "Limner implements none");
    const nlohmann::json& json = config.json();
    auto t = json.find("transformer_layers_per_block");
    if (t != json.end() && t->is_array()) {
        for (const nlohmann::json& e : *t) {
            if (!e.is_number_integer())
                config.refuse("transformer_layers_per_block",
                              "nested per-layer lists are not implemented");
        }
    }
    if (json.contains("cross_attention_dim") && json["cross_attention_dim"].is_array())
        config.refuse("cross_attention_dim", "per-block cross-attention sizes are not implemented");
}

ResnetBlock2D::TimeNorm timeNorm(const ModelConfig& config) {
    config.requireOneOf("resnet_time_scale_shift", {"default", "scale_shift"});
    return config.string("resnet_time_scale_shift", "default") == "scale_shift"
               ? ResnetBlock2D::TimeNorm::ScaleShift
               : ResnetBlock2D::TimeNorm::Default;
}

} // namespace

Status UNet2DConditionModel::load(const nlohmann::json& json, const StateDict& weights,
                                  c10::Device device, c10::ScalarType dtype,
                                  UNet2DConditionModel& out) {
    try {
        const ModelConfig config(json, "UNet2DConditionModel");
        refuseUnsupported(config);
        UNet2DConditionModel m;
        const WeightSource w(weights, device, dtype);
        m.m_dtype = dtype;
        m.m_device = device;

        const std::vector<std::int64_t> channels = config.integers("block_out_channels");
        const std::vector<std::string> downTypes = config.strings("down_block_types");
        const std::vector<std::string> upTypes = config.strings("up_block_types");
        const std::size_t blocks = channels.size();
        if (blocks == 0 || downTypes.size() != blocks)
            config.refuse("down_block_types", "it needs one entry per block_out_channels entry");
        if (upTypes.size() != blocks)
            config.refuse("up_block_types", "it needs one entry per block_out_channels entry");

        m.m_inChannels = config.integer("in_channels", 4);
        m.m_outChannels = config.integer("out_channels", 4);
        m.m_flipSinToCos = config.boolean("flip_sin_to_cos", true);
        m.m_freqShift = config.number("freq_shift", 0.0);
        m.m_centerInput = config.boolean("center_input_sample", false);
        m.m_activation = Activation::fromConfig(config, "act_fn", "silu");
        const std::optional<std::int64_t> groups = config.optionalInteger("norm_num_groups");
        const std::int64_t groupCount = groups.value_or(32);
        const double normEps = config.number("norm_eps", 1e-5);
        const std::int64_t crossDim = config.integer("cross_attention_dim", 1280);
        const std::int64_t convInKernel = config.integer("conv_in_kernel", 3);
        const std::int64_t convOutKernel = config.integer("conv_out_kernel", 3);

        // Time embedding.
        m.m_timeProjDim = channels[0];
        const std::int64_t timeEmbedDim = config.integer("time_embedding_dim", channels[0] * 4);
        m.m_timeEmbedding = TimestepEmbedding::load(w.sub("time_embedding"), m.m_timeProjDim,
                                                    timeEmbedDim, timeEmbedDim, m.m_activation);
        if (!config.isNull("time_embedding_act_fn"))
            m.m_timeEmbedAct = Activation::fromConfig(config, "time_embedding_act_fn", "silu");

        // Conditioning projections.
        std::optional<std::string> hidType = config.optionalString("encoder_hid_dim_type");
        const std::optional<std::int64_t> hidDim = config.optionalInteger("encoder_hid_dim");
        if (!hidType && hidDim)
            hidType = "text_proj"; // diffusers' fallback
        if (hidType == "image_proj") {
            const WeightSource p = w.sub("encoder_hid_proj");
            m.m_imageTokens = kImageTextTokens;
            m.m_encoderHidProj =
                Linear::load(p, "image_embeds", required(config, hidDim, "encoder_hid_dim"),
                             kImageTextTokens * crossDim);
            m.m_encoderHidNorm = LayerNorm::load(p, "norm", crossDim, 1e-5);
        } else if (hidType == "text_proj") {
            m.m_encoderHidProj = Linear::load(w, "encoder_hid_proj",
                                              required(config, hidDim, "encoder_hid_dim"), crossDim);
        }
        if (config.optionalString("addition_embed_type") == std::optional<std::string>("image")) {
            const WeightSource a = w.sub("add_embedding");
            m.m_addImageProj = Linear::load(a, "image_proj",
                                            required(config, hidDim, "encoder_hid_dim"), timeEmbedDim);
            m.m_addImageNorm = LayerNorm::load(a, "image_norm", timeEmbedDim, 1e-5);
        }

        m.m_convIn = Conv2d::load(w, "conv_in", m.m_inChannels, channels[0], convInKernel, 1,
                                  (convInKernel - 1) / 2);

        // Per-block settings; attention_head_dim is the head COUNT of CrossAttn blocks unless
        // num_attention_heads is given (a historical naming accident diffusers keeps).
        const auto headDims = config.perBlock("attention_head_dim", blocks, 8);
        auto heads = config.perBlock("num_attention_heads", blocks, std::nullopt);
        if (config.isNull("num_attention_heads"))
            heads = headDims;
        const auto layersPerBlock = config.perBlock("layers_per_block", blocks, 2);
        const auto transformerLayers = config.perBlock("transformer_layers_per_block", blocks, 1);
        const std::vector<bool> onlyCross = perBlockBool(config, "only_cross_attention", blocks);

        BlockOptions base;
        base.tembChannels = timeEmbedDim;
        base.groups = groupCount;
        base.eps = normEps;
        base.activation = m.m_activation;
        base.timeNorm = timeNorm(config);
        base.crossDim = crossDim;
        base.useLinearProjection = config.boolean("use_linear_projection", false);
        base.upcastAttention = config.boolean("upcast_attention", false);
        base.downsamplePadding = config.integer("downsample_padding", 1);
        const double resnetOutScale = config.number("resnet_out_scale_factor", 1.0);
        const bool skipTimeAct = config.boolean("resnet_skip_time_act", false);
        auto configure = [&](BlockOptions& o, std::size_t i, std::int64_t outChannels) {
            const bool resnetStyle =
                o.type.rfind("Resnet", 0) == 0 || o.type.rfind("SimpleCrossAttn", 0) == 0;
            o.outputScale = resnetStyle ? resnetOutScale : 1.0;
            o.skipTimeAct = resnetStyle && skipTimeAct;
            o.transformerHeads = heads[i].value_or(outChannels);
            o.attentionHeadDim = headDims[i].value_or(outChannels);
            o.transformerLayers = transformerLayers[i].value_or(1);
            o.onlyCrossAttention = onlyCross[i];
        };

        std::int64_t outCh = channels[0];
        for (std::size_t i = 0; i < blocks; ++i) {
            if (!DownBlock2D::knows(downTypes[i]) || downTypes[i].find("Encoder") != std::string::npos)
                config.refuse("down_block_types", "block " + std::to_string(i) + " is '" +
                                                      downTypes[i] +
                                                      "', which Limner does not implement in a UNet");
            BlockOptions o = base;
            o.type = downTypes[i];
            o.in = outCh;
            outCh = channels[i];
            o.out = outCh;
            o.layers = required(config, layersPerBlock[i], "layers_per_block");
            o.addSample = i + 1 < blocks;
            configure(o, i, outCh);
            const bool attention = o.type.find("Attn") != std::string::npos;
            const bool simple = o.type.rfind("SimpleCrossAttn", 0) == 0;
            m.m_levels.push_back(
                {outCh, o.layers,
                 !attention ? 0
                            : std::max<std::int64_t>(
                                  1, simple ? outCh / std::max<std::int64_t>(1, o.attentionHeadDim)
                                            : o.transformerHeads)});
            m.m_down.push_back(DownBlock2D::load(w.sub("down_blocks", i), o));
        }

        // An absent key means the default mid block; an explicit null means none.
        const bool noMid =
            config.json().contains("mid_block_type") && config.json()["mid_block_type"].is_null();
        const std::string mid = config.string("mid_block_type", "UNetMidBlock2DCrossAttn");
        if (!noMid) {
            if (mid != "UNetMidBlock2DCrossAttn" && mid != "UNetMidBlock2DSimpleCrossAttn")
                config.refuse(
                    "mid_block_type",
                    "Limner implements UNetMidBlock2DCrossAttn and UNetMidBlock2DSimpleCrossAttn");
            BlockOptions o = base;
            o.type = mid;
            o.in = o.out = channels.back();
            o.layers = 1;
            configure(o, blocks - 1, channels.back());
            o.outputScale = config.number("mid_block_scale_factor", 1.0);
            o.skipTimeAct = mid == "UNetMidBlock2DSimpleCrossAttn" && skipTimeAct;
            const nlohmann::json& only = config.json().contains("only_cross_attention")
                                             ? config.json()["only_cross_attention"]
                                             : nlohmann::json(false);
            o.onlyCrossAttention =
                config.boolean("mid_block_only_cross_attention", only.is_boolean() && only.get<bool>());
            if (mid == "UNetMidBlock2DCrossAttn")
                o.onlyCrossAttention = false;
            m.m_mid = MidBlock2D::load(w.sub("mid_block"), o);
        }

        // Up blocks walk the per-block lists backwards.
        outCh = channels.back();
        std::int64_t upsamplers = 0;
        for (std::size_t i = 0; i < blocks; ++i) {
            const std::size_t r = blocks - 1 - i;
            if (!UpBlock2D::knows(upTypes[i]) || upTypes[i].find("Decoder") != std::string::npos)
                config.refuse("up_block_types", "block " + std::to_string(i) + " is '" + upTypes[i] +
                                                    "', which Limner does not implement in a UNet");
            BlockOptions o = base;
            o.type = upTypes[i];
            o.prevOut = outCh;
            outCh = channels[r];
            o.out = outCh;
            o.in = channels[r == 0 ? 0 : r - 1];
            o.layers = required(config, layersPerBlock[r], "layers_per_block") + 1;
            o.addSample = i + 1 < blocks;
            upsamplers += o.addSample ? 1 : 0;
            configure(o, r, outCh);
            m.m_up.push_back(UpBlock2D::load(w.sub("up_blocks", i), o));
        }
        m.m_upFactor = std::int64_t{1} << upsamplers;

        if (groups)
            m.m_normOut = GroupNorm::load(w, "conv_norm_out", *groups, channels[0], normEps);
        m.m_convOut = Conv2d::load(w, "conv_out", channels[0], m.m_outChannels, convOutKernel, 1,
                                   (convOutKernel - 1) / 2);
        w.requireAllUsed();
        out = std::move(m);
        return Status::ok();
    } catch (const ModelFormatError& e) {
        return Status::modelFormat(e.what());
    } catch (const c10::Error& e) {
        return Status::modelFormat(std::string("UNet2DConditionModel: ") + e.what_without_backtrace());
    }
}

at::Tensor UNet2DConditionModel::forward(const at::Tensor& sampleIn, const at::Tensor& timesteps,
                                         const at::Tensor& encoderHiddenStates,
                                         const at::Tensor& imageEmbeds) const {
    TORCH_CHECK(sampleIn.dim() == 4 && sampleIn.size(1) == m_inChannels, "UNet input must be [batch, ",
                m_inChannels, ", height, width], got ", sampleIn.sizes());
    const std::int64_t batch = sampleIn.size(0);
    at::Tensor sample = sampleIn.to(m_device, m_dtype);
    const bool upsampleToSkip = sample.size(2) % m_upFactor != 0 || sample.size(3) % m_upFactor != 0;
    if (m_centerInput)
        sample = 2 * sample - 1.0;

    at::Tensor t = timesteps.to(m_device).reshape({-1});
    TORCH_CHECK(t.numel() == 1 || t.numel() == batch, "UNet got ", t.numel(),
                " timesteps for a batch of ", batch);
    t = t.expand({batch});
    at::Tensor emb =
        TimestepEmbedding::sinusoidal(t, m_timeProjDim, m_flipSinToCos, m_freqShift).to(m_dtype);
    emb = m_timeEmbedding.forward(emb);

    const bool needsImage = m_addImageProj || m_imageTokens > 0;
    TORCH_CHECK(!needsImage || imageEmbeds.defined(),
                "this UNet is conditioned on image embeddings (image_embeds)");
    const at::Tensor image = needsImage ? imageEmbeds.to(m_device, m_dtype) : at::Tensor();
    if (m_addImageProj)
        emb = emb + m_addImageNorm->forward(m_addImageProj->forward(image));
    if (m_timeEmbedAct)
        emb = m_timeEmbedAct->forward(emb);

    at::Tensor context;
    if (m_imageTokens > 0) {
        context = m_encoderHidNorm->forward(
            m_encoderHidProj->forward(image).reshape({batch, m_imageTokens, -1}));
    } else {
        TORCH_CHECK(encoderHiddenStates.defined(),
                    "this UNet needs encoder_hidden_states (text embeddings)");
        context = encoderHiddenStates.to(m_device, m_dtype);
        if (m_encoderHidProj)
            context = m_encoderHidProj->forward(context);
    }

    sample = m_convIn.forward(sample);
    std::vector<at::Tensor> skips{sample};
    for (const DownBlock2D& block : m_down)
        sample = block.forward(sample, emb, context, &skips);
    if (m_mid)
        sample = m_mid->forward(std::move(sample), emb, context);
    for (std::size_t i = 0; i < m_up.size(); ++i) {
        std::int64_t height = 0, width = 0;
        const std::size_t used = m_up[i].skipCount();
        if (upsampleToSkip && i + 1 < m_up.size() && skips.size() > used) {
            const at::Tensor& next = skips[skips.size() - used - 1];
            height = next.size(2);
            width = next.size(3);
        }
        sample = m_up[i].forward(std::move(sample), emb, context, &skips, height, width);
    }
    if (m_normOut)
        sample = m_activation.forward(m_normOut->forward(sample));
    return m_convOut.forward(sample);
}

std::uint64_t UNet2DConditionModel::activationBytes(std::int64_t batch, std::int64_t height,
                                                    std::int64_t width,
                                                    std::int64_t elementSize) const {
    std::uint64_t skips = 0, widest = 0, attention = 0;
    std::int64_t h = height, w = width;
    for (const Level& level : m_levels) {
        const auto pixels = static_cast<std::uint64_t>(h * w);
        const auto features = static_cast<std::uint64_t>(batch * level.channels) * pixels;
        skips += features * static_cast<std::uint64_t>(level.layers + 1);
        widest = std::max<std::uint64_t>(widest, 4 * features);
        if (level.attentionHeads > 0)
            attention = std::max<std::uint64_t>(
                attention, static_cast<std::uint64_t>(batch * level.attentionHeads) * pixels * pixels);
        h = (h + 1) / 2;
        w = (w + 1) / 2;
    }
    // The up path doubles the skip features while it concatenates them.
    return (2 * skips + widest + 2 * attention) * static_cast<std::uint64_t>(elementSize);
}

} // namespace limner::engine::ml
