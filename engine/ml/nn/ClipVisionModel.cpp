#include "engine/ml/nn/ClipVisionModel.h"

#include "engine/ml/nn/ModelConfig.h"
#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/WeightSource.h"

#include <c10/util/Exception.h>

namespace limner::engine::ml {

Status ClipVisionModel::load(const nlohmann::json& json, const StateDict& weights, c10::Device device,
                             c10::ScalarType dtype, ClipVisionModel& out) {
    try {
        const ModelConfig config(json, "CLIP vision model");
        config.requireOneOf("model_type", {"clip_vision_model"});
        ClipVisionModel m;
        const WeightSource root(weights, device, dtype);
        const bool wrapped = root.has("vision_model.embeddings.class_embedding") ||
                             !root.has("embeddings.class_embedding");
        const WeightSource vision = wrapped ? root.sub("vision_model") : root;
        const WeightSource embeddings = vision.sub("embeddings");
        const std::int64_t hidden = config.integer("hidden_size", 768);
        const double eps = config.number("layer_norm_eps", 1e-5);
        m.m_imageSize = config.integer("image_size", 224);
        m.m_patchSize = config.integer("patch_size", 32);
        m.m_channels = config.integer("num_channels", 3);
        m.m_dtype = dtype;
        if (m.m_patchSize <= 0 || m.m_imageSize % m.m_patchSize != 0)
            config.refuse("patch_size", "image_size must be a multiple of it");
        const std::int64_t side = m.m_imageSize / m.m_patchSize;
        m.m_patchWeight = embeddings.get("patch_embedding.weight",
                                         {hidden, m.m_channels, m.m_patchSize, m.m_patchSize});
        m.m_classEmbedding = embeddings.get("class_embedding", {hidden});
        m.m_positionEmbedding = embeddings.get("position_embedding.weight", {side * side + 1, hidden});
        m.m_preNorm = LayerNorm::load(vision, "pre_layrnorm", hidden, eps);
        m.m_encoder = ClipEncoder::load(config, vision.sub("encoder"));
        m.m_postNorm = LayerNorm::load(vision, "post_layernorm", hidden, eps);
        m.m_projectionDim = config.integer("projection_dim", 512);
        m.m_projection = Linear::load(root, "visual_projection", hidden, m.m_projectionDim, false);
        root.requireAllUsed({"position_ids"});
        out = std::move(m);
        return Status::ok();
    } catch (const ModelFormatError& e) {
        return Status::modelFormat(e.what());
    } catch (const c10::Error& e) {
        return Status::modelFormat(std::string("CLIP vision model: ") + e.what_without_backtrace());
    }
}

ClipVisionModel::Output ClipVisionModel::forward(const at::Tensor& pixels,
                                                 bool keepHiddenStates) const {
    TORCH_CHECK(pixels.dim() == 4 && pixels.size(1) == m_channels && pixels.size(2) == m_imageSize &&
                    pixels.size(3) == m_imageSize,
                "CLIP vision input must be [batch, ", m_channels, ", ", m_imageSize, ", ", m_imageSize,
                "], got ", pixels.sizes());
    const std::int64_t batch = pixels.size(0);
    const at::Tensor x = pixels.to(m_patchWeight.device(), m_dtype);
    at::Tensor patches =
        at::conv2d(x, m_patchWeight, {}, {m_patchSize, m_patchSize}).flatten(2).transpose(1, 2);
    at::Tensor cls = m_classEmbedding.view({1, 1, -1}).expand({batch, 1, -1});
    at::Tensor h = at::cat({cls, patches}, 1) + m_positionEmbedding.unsqueeze(0);
    h = m_preNorm.forward(h);

    Output o;
    o.lastHiddenState =
        m_encoder.forward(h, at::Tensor(), keepHiddenStates ? &o.hiddenStates : nullptr);
    o.imageEmbeds = m_projection.forward(m_postNorm.forward(o.lastHiddenState.select(1, 0)));
    return o;
}

} // namespace limner::engine::ml
