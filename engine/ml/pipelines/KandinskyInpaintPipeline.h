#pragma once

#include "engine/ml/nn/UNet2DConditionModel.h"
#include "engine/ml/nn/VqModel.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/KandinskyPrior.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace limner::engine::ml {

class PipelineFolder;

// Kandinsky 2.2 inpainting (unCLIP): the prior (KandinskyPrior) turns the prompt, image prompts
// or the picture itself into a CLIP image embedding; the decoder runs as diffusers'
// KandinskyV22InpaintPipeline (0.25): 9-channel UNet on MoVQ latents conditioned on the image
// embedding, guidance on the prediction channels, the known region re-imposed in latent space
// after every step and before the MoVQ decode.
// Mask: the user's 1 = repaint is binarised and inverted (1 = keep), resized to the latent grid
// and the keep region eroded as diffusers' prepare_mask does; UNet input [latents, masked image
// latents, mask]. A soft mask (InpaintParameters::softMask) is grown the same way and steers
// the re-imposition per pixel (DenoisingLoop); the UNet's mask is where it is above 0.
class KandinskyInpaintPipeline : public InpaintPipeline {
public:
    static Status load(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                       std::unique_ptr<InpaintPipeline>& out);
    // diffusers' prepare_mask on a keep mask [batch, 1, h, w] (1 = keep) at latent size: wherever
    // it is 0, the neighbours above, left, above-left, below, right and below-right become 0 too.
    // limner-train prepares the decoder's training masks with it.
    static at::Tensor erodeKeepMask(const at::Tensor& keep);
    // The same on a repaint (strength) map in [0, 1], 1 = repaint: each pixel takes the largest
    // strength at those offsets. On a binary map it is 1 - erodeKeepMask(1 - repaint).
    static at::Tensor growRepaintMask(const at::Tensor& repaint);

    Family family() const override { return Family::Kandinsky22; }
    const char* familyName() const override { return "Kandinsky 2.2"; }
    std::uint64_t estimateRunBytes(int height, int width, int candidates, bool guided,
                                   c10::ScalarType runDtype) const override;
    // The UNet's sample_size latents (diffusers leaves it null for Kandinsky 2.2: then the
    // pipeline's default 512 px at MoVQ's factor 8, i.e. 64 latents) times the MoVQ factor.
    int nativeSize() const override { return m_nativeSize; }
    // Latent sides are ceil(H / f²) · f in diffusers; multiples of f² keep them equal to H / f.
    int sizeMultiple() const override {
        return static_cast<int>(m_movq.downFactor() * m_movq.downFactor());
    }
    bool acceptsPrompt() const override { return m_prior.has_value(); }
    bool acceptsImagePrompts() const override { return m_prior.has_value(); }

protected:
    Status runImpl(const InpaintTensors& input, const InpaintParameters& parameters,
                   const InpaintCallbacks& callbacks, InpaintOutput& out, InpaintTrace* trace) override;

private:
    KandinskyInpaintPipeline(c10::Device device, c10::ScalarType dtype)
        : InpaintPipeline(device, dtype) {}

    Status imageEmbeddings(const InpaintTensors& input, const InpaintParameters& parameters,
                           const InpaintCallbacks& callbacks, CandidateNoise& noise,
                           at::Tensor& positive, at::Tensor& negative) const;

    UNet2DConditionModel m_unet;
    VqModel m_movq;
    c10::ScalarType m_movqDtype = c10::kFloat; // autoencoderDtype(dtype())
    std::optional<KandinskyPrior> m_prior;
    std::string m_priorRepoWanted; // what the model card names as its prior
    nlohmann::json m_schedulerConfig;
    std::string m_schedulerSource;
    int m_nativeSize = 512;
};

} // namespace limner::engine::ml
