#pragma once

#include <ATen/core/Tensor.h>

namespace limner::engine::ml {

// A cheap latent → RGB preview: an affine map per latent pixel, fitted (least squares) on the
// job's own encoded image against that image average-pooled to latent resolution. No table of
// per-model factors is needed and the fit always matches the autoencoder in use.
class LatentPreview {
public:
    // latents [1, C, h, w] (the autoencoder's encoding of rgb, in the space the sampler works
    // in); rgb [1, 3, H, W] in [0, 1] with H = h · f, W = w · f.
    void fit(const at::Tensor& latents, const at::Tensor& rgb);
    bool isFitted() const { return m_weights.defined(); }

    // latents [N, C, h, w] → [N, 3, h, w] float in [0, 1] on the CPU.
    at::Tensor render(const at::Tensor& latents) const;

private:
    at::Tensor m_weights; // [C + 1, 3], float64 on the CPU; last row is the bias
};

} // namespace limner::engine::ml
