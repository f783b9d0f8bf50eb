#pragma once

#include <ATen/core/Tensor.h>
#include <vector>

namespace limner::engine::ml {

// Intermediate tensors of a run, kept only when the caller passes a trace (parity checks and
// debugging); names follow the reference fixtures.
struct InpaintTrace {
    std::vector<at::Tensor> latentsPerStep; // after each step (and, for Kandinsky, the blend)
    at::Tensor knownLatents;       // [1, c, h, w]: the encoded picture the loop re-imposes, if any
    at::Tensor maskLatent;         // as fed to the UNet, doubled for guidance
    at::Tensor maskedImageLatents; // as fed to the UNet, doubled for guidance
    at::Tensor promptEmbeds;       // SD: [uncond; cond] text encoder states
    at::Tensor promptIds;          // SD: [1, tokens]
    at::Tensor negativePromptIds;
    at::Tensor imageEmbeds; // Kandinsky: [negative; positive] as fed to the UNet
};

} // namespace limner::engine::ml
