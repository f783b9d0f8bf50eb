#include "engine/ml/nn/ClipTextModel.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

#include <c10/util/Exception.h>
#include <limits>

namespace limner::engine::ml {

namespace {

// torch.finfo(dtype).min, which transformers uses for masked positions.
double lowestValue(c10::ScalarType dtype) {
    switch (dtype) {
    case c10::kHalf:
        return -65504.0;
    case c10::kBFloat16:
        return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
    case c10::kDouble:
        return std::numeric_limits<double>::lowest();
    default:
        return static_cast<double>(std::numeric_limits<float>::lowest());
    }
}

} // namespace

ClipTextModel::Head ClipTextModel::headFromConfig(const nlohmann::json& config) {
    auto it = config.find("architectures");
    if (it != config.end() && it->is_array()) {
        for (const nlohmann::json& a : *it) {
            if (a == "CLIPTextModelWithProjection")
                return Head::Projection;
        }
    }
    return Head::Pooled;
}

Status ClipTextModel::load(const nlohmann::json& json, const StateDict& weights, Head head,
                           c10::Device device, c10::ScalarType dtype, ClipTextModel& out) {
    try {
        const ModelConfig config(json, "CLIP text model");
        config.requireOneOf("model_type", {"clip_text_model"});
        ClipTextModel m;
        const WeightSource root(weights, device, dtype);
        // transformers writes text_model.*; some saved copies (and transformers >= 5.6 in
        // memory) drop the wrapper: both name the same tensors.
        const bool wrapped = root.has("text_model.embeddings.token_embedding.weight") ||
                             !root.has("embeddings.token_embedding.weight");
        const WeightSource text = wrapped ? root.sub("text_model") : root;
        const std::int64_t hidden = config.integer("hidden_size", 512);
        const std::int64_t vocab = config.integer("vocab_size", 49408);
        m.m_maxPositions = config.integer("max_position_embeddings", 77);
        m.m_eosTokenId = config.integer("eos_token_id", 49407);
        m.m_dtype = dtype;
        m.m_tokenEmbedding = text.sub("embeddings").get("token_embedding.weight", {vocab, hidden});
        m.m_positionEmbedding =
            text.sub("embeddings").get("position_embedding.weight", {m.m_maxPositions, hidden});
        m.m_encoder = ClipEncoder::load(config, text.sub("encoder"));
        m.m_finalNorm =
            LayerNorm::load(text, "final_layer_norm", hidden, config.number("layer_norm_eps", 1e-5));
        if (head == Head::Projection)
            m.m_projection = Linear::load(root, "text_projection", hidden,
                                          config.integer("projection_dim", 512), false);
        // position_ids is a constant buffer that transformers < 4.31 saved with the weights.
        root.requireAllUsed({"position_ids"});
        out = std::move(m);
        return Status::ok();
    } catch (const ModelFormatError& e) {
        return Status::modelFormat(e.what());
    } catch (const c10::Error& e) {
        return Status::modelFormat(std::string("CLIP text model: ") + e.what_without_backtrace());
    }
}

ClipTextModel::Output ClipTextModel::forward(const at::Tensor& ids, const at::Tensor& attentionMask,
                                             bool keepHiddenStates) const {
    TORCH_CHECK(ids.dim() == 2, "CLIP text ids must be [batch, tokens], got ", ids.sizes());
    const std::int64_t batch = ids.size(0);
    const std::int64_t tokens = ids.size(1);
    TORCH_CHECK(tokens <= m_maxPositions, "CLIP text input has ", tokens,
                " tokens but the model takes at most ", m_maxPositions);
    const at::Tensor deviceIds = ids.to(m_tokenEmbedding.device(), at::kLong);
    at::Tensor x = at::embedding(m_tokenEmbedding, deviceIds) + m_positionEmbedding.slice(0, 0, tokens);

    // Additive masks with the dtype's lowest value, summed the way transformers sums them.
    const auto options = x.options();
    const double lowest = lowestValue(m_dtype);
    at::Tensor mask = at::full({tokens, tokens}, lowest, options).triu(1).view({1, 1, tokens, tokens});
    if (attentionMask.defined()) {
        TORCH_CHECK(attentionMask.sizes() == ids.sizes(), "attention mask ", attentionMask.sizes(),
                    " does not match ids ", ids.sizes());
        at::Tensor keep = attentionMask.to(x.device()).ne(0).view({batch, 1, 1, tokens});
        at::Tensor padding =
            at::zeros({batch, 1, 1, tokens}, options).masked_fill(keep.logical_not(), lowest);
        mask = mask + padding;
    }

    Output o;
    at::Tensor encoded = m_encoder.forward(x, mask, keepHiddenStates ? &o.hiddenStates : nullptr);
    o.lastHiddenState = m_finalNorm.forward(encoded);
    at::Tensor positions;
    if (m_eosTokenId == 2)
        positions = deviceIds.to(at::kInt).argmax(-1);
    else
        positions = deviceIds.to(at::kInt).eq(m_eosTokenId).to(at::kInt).argmax(-1);
    const at::Tensor rows =
        at::arange(batch, positions.options().dtype(at::kLong)) * tokens + positions.to(at::kLong);
    o.pooled = o.lastHiddenState.reshape({batch * tokens, -1}).index_select(0, rows);
    if (m_projection)
        o.textEmbeds = m_projection->forward(o.pooled);
    return o;
}

} // namespace limner::engine::ml
