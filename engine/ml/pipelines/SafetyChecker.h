#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/ClipVisionModel.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <string>
#include <vector>

namespace limner::engine::ml {

class PipelineFolder;

// diffusers' StableDiffusionSafetyChecker, the `safety_checker/` component of the Stable
// Diffusion repos (and CompVis/stable-diffusion-safety-checker on its own): the CLIP vision
// tower's pooled output through visual_projection, compared by cosine with 17 concept and 3
// "special care" embeddings, each with its own threshold. A picture is flagged when any concept
// score is above 0; a special-care hit first raises every later score by 0.01.
//
// Thread safety: one check at a time per object (the engine's worker).
class SafetyChecker {
public:
    struct Verdict {
        bool flagged = false;              // diffusers' has_nsfw_concept
        bool specialCare = false;          // a special-care concept was above its threshold
        std::vector<int> badConcepts;      // indices of the concepts above their thresholds
        std::vector<double> conceptScores; // cosine - threshold + adjustment, rounded to 0.001
        std::vector<double> specialScores;
    };

    // Reads `safety_checker/` (config.json: CLIPConfig with vision_config and projection_dim)
    // and the feature extractor's mean and std (`feature_extractor/preprocessor_config.json`).
    static Status load(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                       SafetyChecker& out);

    // images [n, 3, H, W] in [0, 1]: one verdict each (preprocessed as CLIPImageProcessor does).
    std::vector<Verdict> check(const at::Tensor& images) const;

    // The decision on cosine similarities, exactly as diffusers makes it (round(x, 3) > 0).
    static Verdict decide(const std::vector<double>& specialCosines,
                          const std::vector<double>& specialThresholds,
                          const std::vector<double>& conceptCosines,
                          const std::vector<double>& conceptThresholds);
    // Cosine similarity of one embedding with each row of `rows` (plain vectors, for decide()).
    static std::vector<double> cosines(const std::vector<double>& embedding,
                                       const std::vector<std::vector<double>>& rows);

private:
    ClipVisionModel m_vision;
    at::Tensor m_concepts, m_conceptThresholds, m_special, m_specialThresholds;
    std::vector<double> m_mean{0.48145466, 0.4578275, 0.40821073};
    std::vector<double> m_std{0.26862954, 0.26130258, 0.27577711};
};

} // namespace limner::engine::ml
