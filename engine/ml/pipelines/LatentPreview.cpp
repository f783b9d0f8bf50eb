#include "engine/ml/pipelines/LatentPreview.h"

#include <ATen/ATen.h>

namespace limner::engine::ml {

namespace {

// [N, C, h, w] → [N·h·w, C + 1] with a column of ones for the bias.
at::Tensor design(const at::Tensor& latents) {
    const at::Tensor x =
        latents.detach().to(at::kCPU, at::kDouble).permute({0, 2, 3, 1}).reshape({-1, latents.size(1)});
    return at::cat({x, at::ones({x.size(0), 1}, x.options())}, 1);
}

} // namespace

void LatentPreview::fit(const at::Tensor& latents, const at::Tensor& rgb) {
    const at::Tensor x = design(latents.slice(0, 0, 1));
    const at::Tensor pooled = at::adaptive_avg_pool2d(
        rgb.slice(0, 0, 1).detach().to(at::kCPU, at::kDouble), {latents.size(2), latents.size(3)});
    const at::Tensor y = pooled.permute({0, 2, 3, 1}).reshape({-1, 3});
    // A small ridge keeps the fit defined on flat images (a constant channel is singular).
    const at::Tensor gram = at::matmul(x.t(), x) + 1e-3 * at::eye(x.size(1), x.options());
    m_weights = at::linalg_solve(gram, at::matmul(x.t(), y));
}

at::Tensor LatentPreview::render(const at::Tensor& latents) const {
    const std::int64_t n = latents.size(0), h = latents.size(2), w = latents.size(3);
    const at::Tensor rgb = at::matmul(design(latents), m_weights).clamp(0, 1);
    return rgb.reshape({n, h, w, 3}).permute({0, 3, 1, 2}).to(at::kFloat).contiguous();
}

} // namespace limner::engine::ml
