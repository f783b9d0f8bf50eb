#pragma once

#include <ATen/core/Tensor.h>
#include <vector>

namespace limner::engine::ml {

// The pixels of one job, and optionally noise or embeddings to use instead of drawing them.
// Any device; they are moved to the pipeline's device and dtype.
struct InpaintTensors {
    at::Tensor image; // [1, 3, H, W] float RGB in [0, 1]; H and W multiples of sizeMultiple()
    at::Tensor mask;  // [1, 1, H, W] float in [0, 1]: 1 (white) = repaint, 0 = keep; binarised at 0.5
                      // unless InpaintParameters::softMask

    // Injected randomness (reference runs, "same noise, other prompt"): undefined = drawn from
    // the seed. initialNoise [candidates, latent channels, h, w] (before init_noise_sigma);
    // vaeEncodeNoise [1, latent channels, h, w] samples the SD VAE posterior of the masked image.
    at::Tensor initialNoise;
    at::Tensor vaeEncodeNoise;

    // Kandinsky 2.2: image embeddings for the decoder ([1 or candidates, dim]); when defined the
    // prior stage is skipped.
    at::Tensor imageEmbeds;
    at::Tensor negativeImageEmbeds;
    // Kandinsky 2.2 image prompts ([1, 3, h, w] in [0, 1]), weighted by
    // InpaintParameters::imagePromptWeights.
    std::vector<at::Tensor> imagePrompts;
};

} // namespace limner::engine::ml
