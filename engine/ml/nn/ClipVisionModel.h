#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/ClipEncoder.h"
#include "engine/ml/nn/LayerNorm.h"
#include "engine/ml/nn/Linear.h"
#include "engine/ml/nn/StateDict.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace limner::engine::ml {

// transformers' CLIPVisionModelWithProjection (config model_type "clip_vision_model", state_dict
// names "vision_model.…" and "visual_projection.weight"): the image tower of Kandinsky 2.2.
// Pixel values come in already normalised with the CLIP mean and std.
class ClipVisionModel {
public:
    struct Output {
        at::Tensor imageEmbeds;               // [batch, projection_dim]
        at::Tensor lastHiddenState;           // [batch, 1 + patches, hidden], before post_layernorm
        std::vector<at::Tensor> hiddenStates; // pre_layrnorm output, then each layer
    };

    static Status load(const nlohmann::json& config, const StateDict& weights, c10::Device device,
                       c10::ScalarType dtype, ClipVisionModel& out);

    // pixels [batch, num_channels, image_size, image_size].
    Output forward(const at::Tensor& pixels, bool keepHiddenStates) const;

    std::int64_t imageSize() const { return m_imageSize; }
    std::int64_t projectionDim() const { return m_projectionDim; }

private:
    at::Tensor m_patchWeight;
    at::Tensor m_classEmbedding;
    at::Tensor m_positionEmbedding;
    LayerNorm m_preNorm;
    ClipEncoder m_encoder;
    LayerNorm m_postNorm;
    Linear m_projection;
    std::int64_t m_imageSize = 224;
    std::int64_t m_projectionDim = 512;
    std::int64_t m_patchSize = 32;
    std::int64_t m_channels = 3;
    c10::ScalarType m_dtype = c10::kFloat;
};

} // namespace limner::engine::ml
