#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/ClipVisionModel.h"
#include "engine/ml/nn/PriorTransformer.h"
#include "engine/ml/pipelines/InpaintCallbacks.h"
#include "engine/ml/tokenizer/ClipTokenizer.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace limner::engine::ml {

class CandidateNoise;
class PipelineFolder;

// The unCLIP prior of Kandinsky 2.2 as diffusers' KandinskyV22PriorPipeline runs it: CLIP text
// tower (with projection) → PriorTransformer sampled with the UnCLIPScheduler → CLIP image
// embedding; the negative is the prior's output for the negative prompt, or the embedding of an
// all-zero image. Also embeds reference images with the CLIP image tower (image prompts).
class KandinskyPrior {
public:
    // Looks for the prior next to a decoder: prior_prior/, prior_text_encoder/, … (a saved
    // combined pipeline), or prior/ holding a prior pipeline folder (model_index.json), or
    // prior/, text_encoder/, tokenizer/, image_encoder/ and prior_scheduler/ beside unet/.
    // found = false (and Ok) when the folder has none of these.
    static Status load(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                       bool& found, KandinskyPrior& out);

    // Image embeddings for `candidates` images: positive and negative, each [candidates, dim].
    Status embed(const std::string& prompt, const std::string& negativePrompt, int steps,
                 double guidanceScale, int candidates, CandidateNoise& noise,
                 const InpaintCallbacks& callbacks, at::Tensor& positive, at::Tensor& negative) const;
    // CLIP image embedding [1, dim] of rgb [1, 3, H, W] in [0, 1] (resized, centre-cropped and
    // normalised as CLIPImageProcessor does). The CLIP image tower is read on the first call and
    // kept until releaseImageEncoder(): a job with a text prompt alone never reads it (3.7 GB in
    // Kandinsky 2.2). Throws ModelFormatError when the tower's weights do not load.
    at::Tensor imageEmbedding(const at::Tensor& rgb) const;
    void releaseImageEncoder() const { m_imageEncoder.reset(); }
    bool imageEncoderLoaded() const { return m_imageEncoder.has_value(); }
    // What the image tower sees of a picture ([n, 3, h, w] in [0, 1], float), as
    // CLIPImageProcessor prepares it: shortest side to `size` (bicubic, antialiased), centre
    // crop, normalised with mean and std. [n, 3, size, size].
    static at::Tensor clipInput(const at::Tensor& rgb01, std::int64_t size,
                                const std::vector<double>& mean, const std::vector<double>& std);
    // A CLIPImageProcessor's preprocessor_config.json: its image_mean and image_std where they
    // are three numbers each, else mean and std are left as they are.
    static void readImageProcessor(const nlohmann::json& config, std::vector<double>& mean,
                                   std::vector<double>& std);
    // CLIP text embedding [1, dim] of a prompt (the projected end-of-text token), the prior's
    // conditioning; with imageEmbedding() it scores how well a picture matches a text.
    at::Tensor textEmbedding(const std::string& text) const { return encodeText(text).embeds; }
    const at::Tensor& zeroEmbedding() const { return m_zeroEmbedding; }

private:
    struct Encoded {
        at::Tensor embeds, hidden, mask;
    };
    Encoded encodeText(const std::string& text) const;
    Status loadImageEncoder(c10::Device device, ClipVisionModel& out) const;
    // The zero-image embedding from ZeroEmbeddingCache, else computed (and cached).
    Status findZeroEmbedding(c10::Device device);

    ClipTokenizer m_tokenizer;
    ClipTextModel m_textEncoder;
    std::shared_ptr<const PipelineFolder> m_folder; // where the image tower's weights are
    std::string m_imageEncoderComponent;
    nlohmann::json m_imageConfig;
    std::int64_t m_imageSize = 224;
    mutable std::optional<ClipVisionModel> m_imageEncoder;
    PriorTransformer m_prior;
    nlohmann::json m_schedulerConfig;
    std::string m_schedulerSource;
    std::int64_t m_embeddingDim = 0;
    at::Tensor m_zeroEmbedding;
    std::vector<double> m_imageMean{0.48145466, 0.4578275, 0.40821073};
    std::vector<double> m_imageStd{0.26862954, 0.26130258, 0.27577711};
    c10::Device m_device = c10::kCPU;
    c10::ScalarType m_dtype = c10::kFloat;
};

} // namespace limner::engine::ml
