#include "engine/ml/nn/Linear.h"

#include "engine/ml/nn/WeightSource.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <algorithm>
#include <vector>

namespace limner::engine::ml {

Linear Linear::load(const WeightSource& weights, const std::string& name, std::int64_t in,
                    std::int64_t out, bool bias) {
    Linear l;
    const WeightSource w = weights.sub(name);
    l.m_weight = w.get("weight", {out, in});
    if (bias)
        l.m_bias = w.get("bias", {out});
    return l;
}

namespace {

// Output features per thread below which one thread does the whole product.
constexpr std::int64_t kMinimumFeaturesPerThread = 64;
// Multiply-adds below which sharing out costs more than it saves.
constexpr std::int64_t kMinimumWork = std::int64_t{1} << 18;

} // namespace

at::Tensor Linear::forward(const at::Tensor& x) const {
    const std::int64_t threads = at::get_num_threads();
    const std::int64_t features = m_weight.size(0), in = m_weight.size(1);
    const std::int64_t rows = x.dim() >= 2 ? x.numel() / std::max<std::int64_t>(1, in) : 1;
    if (threads < 2 || features < 2 * kMinimumFeaturesPerThread ||
        rows * in * features < kMinimumWork || at::in_parallel_region() || at::GradMode::is_enabled() ||
        !x.device().is_cpu() || x.scalar_type() != at::kFloat || m_weight.scalar_type() != at::kFloat)
        return at::linear(x, m_weight, m_bias);
    // Shared out by output features: each thread reads only its own rows of the weight, which at
    // the UNets' low-resolution levels (a few dozen tokens against up to 1280x10240 weights) is
    // what the product waits for.
    const at::Tensor flat = x.reshape({rows, in});
    at::Tensor out = at::empty({rows, features}, x.options());
    const std::int64_t grain = std::max(kMinimumFeaturesPerThread, (features + threads - 1) / threads);
    at::parallel_for(0, features, grain, [&](std::int64_t begin, std::int64_t end) {
        at::Tensor part = out.slice(1, begin, end);
        const at::Tensor weight = m_weight.slice(0, begin, end).t();
        if (m_bias.defined())
            at::addmm_out(part, m_bias.slice(0, begin, end), flat, weight);
        else
            at::mm_out(part, flat, weight);
    });
    std::vector<std::int64_t> shape = x.sizes().vec();
    shape.back() = features;
    return out.view(shape);
}

} // namespace limner::engine::ml
