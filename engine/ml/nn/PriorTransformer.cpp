#include "engine/ml/nn/PriorTransformer.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

#include <c10/util/Exception.h>

namespace limner::engine::ml {

Status PriorTransformer::load(const nlohmann::json& json, const StateDict& weights, c10::Device device,
                              c10::ScalarType dtype, PriorTransformer& out) {
    try {
        const ModelConfig config(json, "PriorTransformer");
        config.requireOneOf("_class_name", {"PriorTransformer"});
        config.requireOneOf("added_emb_type", {"prd"});
        config.requireOneOf("embedding_proj_norm_type", {"layer"});
        config.requireOneOf("encoder_hid_proj_type", {"linear"});
        config.requireOneOf("norm_in_type", {"layer"});
        PriorTransformer m;
        const WeightSource w(weights, device, dtype);
        m.m_dtype = dtype;
        m.m_device = device;
        const std::int64_t heads = config.integer("num_attention_heads", 32);
        const std::int64_t headDim = config.integer("attention_head_dim", 64);
        const std::int64_t inner = heads * headDim;
        const std::int64_t embeddingDim = config.integer("embedding_dim", 768);
        const std::int64_t numEmbeddings = config.integer("num_embeddings", 77);
        const std::int64_t layers = config.integer("num_layers", 20);
        m.m_additionalEmbeddings = config.integer("additional_embeddings", 4);
        const std::int64_t timeEmbedDim = config.integer("time_embed_dim", inner);
        const std::int64_t projDim = config.integer("embedding_proj_dim", embeddingDim);
        const std::int64_t clipDim = config.integer("clip_embed_dim", embeddingDim);
        m.m_innerDim = inner;

        m.m_timeEmbedding =
            TimestepEmbedding::load(w.sub("time_embedding"), inner, timeEmbedDim, inner,
                                    Activation::fromConfig(config, "time_embed_act_fn", "silu"));
        m.m_projIn = Linear::load(w, "proj_in", embeddingDim, inner);
        if (config.string("embedding_proj_norm_type", "") == "layer")
            m.m_embeddingProjNorm = LayerNorm::load(w, "embedding_proj_norm", projDim, 1e-5);
        m.m_embeddingProj = Linear::load(w, "embedding_proj", projDim, inner);
        if (config.string("encoder_hid_proj_type", "linear") == "linear")
            m.m_encoderProj = Linear::load(w, "encoder_hidden_states_proj", embeddingDim, inner);
        m.m_positionalEmbedding =
            w.get("positional_embedding", {1, numEmbeddings + m.m_additionalEmbeddings, inner});
        if (config.string("added_emb_type", "prd") == "prd")
            m.m_prdEmbedding = w.get("prd_embedding", {1, 1, inner});
        if (config.string("norm_in_type", "") == "layer")
            m.m_normIn = LayerNorm::load(w, "norm_in", inner, 1e-5);
        BasicTransformerBlock::Options b;
        b.dim = inner;
        b.heads = heads;
        b.headDim = headDim;
        b.feedForward = BasicTransformerBlock::FeedForward::Gelu;
        b.attentionBias = true;
        for (std::int64_t i = 0; i < layers; ++i)
            m.m_blocks.push_back(BasicTransformerBlock::load(
                w.sub("transformer_blocks", static_cast<std::size_t>(i)), b));
        m.m_normOut = LayerNorm::load(w, "norm_out", inner, 1e-5);
        m.m_projToClip = Linear::load(w, "proj_to_clip_embeddings", inner, clipDim);
        m.m_clipMean = w.get("clip_mean", {1, clipDim});
        m.m_clipStd = w.get("clip_std", {1, clipDim});
        w.requireAllUsed();
        out = std::move(m);
        return Status::ok();
    } catch (const ModelFormatError& e) {
        return Status::modelFormat(e.what());
    } catch (const c10::Error& e) {
        return Status::modelFormat(std::string("PriorTransformer: ") + e.what_without_backtrace());
    }
}

at::Tensor PriorTransformer::forward(const at::Tensor& hiddenStates, const at::Tensor& timesteps,
                                     const at::Tensor& projEmbedding,
                                     const at::Tensor& encoderHiddenStates,
                                     const at::Tensor& attentionMask) const {
    const std::int64_t batch = hiddenStates.size(0);
    at::Tensor t = timesteps.to(m_device).reshape({-1});
    TORCH_CHECK(t.numel() == 1 || t.numel() == batch, "prior got ", t.numel(),
                " timesteps for a batch of ", batch);
    // diffusers multiplies by a float ones vector, so timesteps become float before projection.
    t = t.to(at::kFloat) * at::ones({batch}, t.options().dtype(at::kFloat));
    const at::Tensor timeEmb =
        m_timeEmbedding.forward(TimestepEmbedding::sinusoidal(t, m_innerDim, true, 0.0).to(m_dtype));

    at::Tensor proj = projEmbedding.to(m_device, m_dtype);
    if (m_embeddingProjNorm)
        proj = m_embeddingProjNorm->forward(proj);
    proj = m_embeddingProj.forward(proj);
    if (proj.dim() == 2)
        proj = proj.unsqueeze(1);

    std::vector<at::Tensor> parts;
    std::int64_t extraTokens = 0;
    if (encoderHiddenStates.defined()) {
        at::Tensor e = encoderHiddenStates.to(m_device, m_dtype);
        if (m_encoderProj)
            e = m_encoderProj->forward(e);
        extraTokens += e.size(1);
        parts.push_back(e);
    } else {
        TORCH_CHECK(!m_encoderProj, "this prior needs encoder_hidden_states");
    }
    at::Tensor h = m_projIn.forward(hiddenStates.to(m_device, m_dtype));
    if (h.dim() == 2)
        h = h.unsqueeze(1);
    parts.push_back(proj);
    parts.push_back(timeEmb.unsqueeze(1));
    parts.push_back(h);
    if (m_prdEmbedding.defined())
        parts.push_back(m_prdEmbedding.expand({batch, -1, -1}));
    h = at::cat(parts, 1);
    extraTokens += proj.size(1) + 1;

    at::Tensor positions = m_positionalEmbedding;
    if (positions.size(1) < h.size(1))
        positions =
            at::constant_pad_nd(positions, {0, 0, extraTokens, m_prdEmbedding.defined() ? 1 : 0}, 0.0);
    TORCH_CHECK(positions.size(1) == h.size(1), "prior got ", h.size(1),
                " tokens but its positional embedding has ", positions.size(1),
                " (encoder sequence length must equal num_embeddings)");
    h = h + positions;

    at::Tensor mask;
    if (attentionMask.defined()) {
        const std::int64_t tokens = h.size(1);
        const at::Tensor keep = attentionMask.to(m_device).ne(0).to(m_dtype);
        mask = (1 - keep) * -10000.0;
        mask = at::constant_pad_nd(mask, {0, m_additionalEmbeddings}, 0.0);
        TORCH_CHECK(mask.size(1) == tokens, "prior attention mask covers ", mask.size(1),
                    " tokens, expected ", tokens);
        const at::Tensor causal = at::full({tokens, tokens}, -10000.0, h.options()).triu(1);
        mask = (mask.unsqueeze(1) + causal).unsqueeze(1); // [batch, 1 (heads), tokens, tokens]
    }
    if (m_normIn)
        h = m_normIn->forward(h);
    for (const BasicTransformerBlock& block : m_blocks)
        h = block.forward(h, at::Tensor(), mask);
    h = m_normOut.forward(h);
    h = m_prdEmbedding.defined() ? h.select(1, h.size(1) - 1) : h.slice(1, extraTokens);
    return m_projToClip.forward(h);
}

at::Tensor PriorTransformer::postProcessLatents(const at::Tensor& prediction) const {
    return prediction.to(m_device, m_dtype) * m_clipStd + m_clipMean;
}

} // namespace limner::engine::ml
