#include "engine/ml/nn/SpatialNorm.h"

#include "engine/ml/nn/WeightSource.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <vector>

namespace limner::engine::ml {

SpatialNorm SpatialNorm::load(const WeightSource& weights, const std::string& name,
                              std::int64_t channels, std::int64_t conditionChannels) {
    const WeightSource w = weights.sub(name);
    SpatialNorm n;
    // diffusers hard-codes these, whatever the model's norm_num_groups says.
    n.m_norm = GroupNorm::load(w, "norm_layer", 32, channels, 1e-6);
    n.m_convY = Conv2d::load(w, "conv_y", conditionChannels, channels, 1);
    n.m_convB = Conv2d::load(w, "conv_b", conditionChannels, channels, 1);
    return n;
}

at::Tensor SpatialNorm::forward(const at::Tensor& x, const at::Tensor& condition) const {
    const std::int64_t height = x.size(2), width = x.size(3);
    const std::int64_t h = condition.size(2), w = condition.size(3);
    if (at::GradMode::is_enabled()) {
        const at::Tensor zq = at::upsample_nearest2d(condition, {height, width});
        return m_norm.forward(x) * m_convY.forward(zq) + m_convB.forward(zq);
    }
    // Without autograd: the same products and sums, written over the normalised tensor. In the
    // MoVQ's last blocks the expression above keeps four full-resolution temporaries alive (at
    // 768² each is 576 MiB, and a 1×1 convolution's output briefly doubles in oneDNN).
    at::Tensor out = m_norm.forward(x);
    const std::int64_t fy = height / h, fx = width / w;
    const auto powerOfTwo = [](std::int64_t n) {
        return n > 0 && (n & (n - 1)) == 0;
    };
    if (height == fy * h && width == fx * w && powerOfTwo(fy) && powerOfTwo(fx)) {
        // Nearest upsampling by a power of two repeats each condition pixel over an fy × fx
        // block (the index arithmetic is exact), and a 1×1 convolution maps each pixel alone: the
        // convolutions run at the condition's size and are broadcast over the blocks.
        const std::vector<std::int64_t> blocks{x.size(0), x.size(1), h, fy, w, fx};
        const std::vector<std::int64_t> pixels{x.size(0), x.size(1), h, 1, w, 1};
        at::Tensor view = out.view(blocks);
        view.mul_(m_convY.forward(condition).view(pixels));
        view.add_(m_convB.forward(condition).view(pixels));
        return out;
    }
    const at::Tensor zq = at::upsample_nearest2d(condition, {height, width});
    out.mul_(m_convY.forward(zq));
    out.add_(m_convB.forward(zq));
    return out;
}

} // namespace limner::engine::ml
