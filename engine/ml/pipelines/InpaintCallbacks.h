#pragma once

#include <ATen/core/Tensor.h>
#include <atomic>
#include <functional>

namespace limner::engine::ml {

struct InpaintProgress {
    int step = 0; // denoising steps done, 1..total
    int total = 0;
    // Every previewEvery steps: a cheap estimate of the finished candidates, [candidates, 3, h, w]
    // float in [0, 1] on the CPU at latent resolution (a linear map of the predicted clean
    // latents, no decoder pass). Undefined on other steps.
    at::Tensor preview;
};

// How a running job talks to its caller. Everything is called on the thread running the job.
struct InpaintCallbacks {
    // Checked before every denoising step (and between stages); when it reads true the job stops
    // with Status::Cancelled and frees its tensors. Set it from any thread.
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(const InpaintProgress&)> progress;
    int previewEvery = 0; // 0 = never
};

} // namespace limner::engine::ml
