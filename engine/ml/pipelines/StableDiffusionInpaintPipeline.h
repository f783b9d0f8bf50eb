#pragma once

#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/UNet2DConditionModel.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/tokenizer/ClipTokenizer.h"

#include <nlohmann/json.hpp>

namespace limner::engine::ml {

class PipelineFolder;

// diffusers' StableDiffusionInpaintPipeline (0.25) for SD 1.x/2.x folders: CLIP text tower,
// guidance with a negative prompt, AutoencoderKL with its scaling factor. A 9-channel inpainting
// UNet gets [latents, mask, masked-image latents]; an ordinary 4-channel UNet is run with blended
// latent inpainting (the known region re-noised and put back after every step).
// Mask: 1 = repaint, binarised at 0.5; the masked image is formed in pixel space (repaint → 0).
class StableDiffusionInpaintPipeline : public InpaintPipeline {
public:
    static Status load(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                       std::unique_ptr<InpaintPipeline>& out);

    Family family() const override { return Family::StableDiffusion; }
    const char* familyName() const override { return "Stable Diffusion"; }
    std::uint64_t estimateRunBytes(int height, int width, int candidates, bool guided,
                                   c10::ScalarType runDtype) const override;
    int nativeSize() const override { return m_nativeSize; }
    int sizeMultiple() const override { return static_cast<int>(m_vae.downFactor()); }
    bool hasInpaintingUnet() const { return m_unet.inChannels() != m_latentChannels; }

protected:
    Status runImpl(const InpaintTensors& input, const InpaintParameters& parameters,
                   const InpaintCallbacks& callbacks, InpaintOutput& out, InpaintTrace* trace) override;

private:
    StableDiffusionInpaintPipeline(c10::Device device, c10::ScalarType dtype)
        : InpaintPipeline(device, dtype) {}

    at::Tensor encodePrompt(const std::string& text, at::Tensor& ids) const;

    ClipTokenizer m_tokenizer;
    ClipTextModel m_textEncoder;
    UNet2DConditionModel m_unet;
    AutoencoderKl m_vae;
    c10::ScalarType m_vaeDtype = c10::kFloat; // float32 when the VAE's config asks to upcast
    bool m_vaeUpcastsHalf = true;             // force_upcast: float16 decodes in float32
    std::int64_t m_latentChannels = 4;
    nlohmann::json m_schedulerConfig;
    std::string m_schedulerSource;
    int m_nativeSize = 512;
};

} // namespace limner::engine::ml
