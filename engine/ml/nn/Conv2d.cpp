#include "engine/ml/nn/Conv2d.h"

#include "engine/ml/nn/WeightSource.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <algorithm>
#include <atomic>

namespace limner::engine::ml {

Conv2d Conv2d::load(const WeightSource& weights, const std::string& name, std::int64_t in,
                    std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                    bool bias) {
    Conv2d c;
    const WeightSource w = weights.sub(name);
    c.m_weight = w.get("weight", {out, in, kernel, kernel});
    if (bias)
        c.m_bias = w.get("bias", {out});
    c.m_stride = stride;
    c.m_padding = padding;
    return c;
}

namespace {

std::atomic<std::int64_t> g_bandBytes{Conv2d::kBandBytes};

} // namespace

std::int64_t Conv2d::bandBytes() {
    return g_bandBytes.load(std::memory_order_relaxed);
}

void Conv2d::setBandBytes(std::int64_t bytes) {
    g_bandBytes.store(bytes, std::memory_order_relaxed);
}

at::Tensor Conv2d::forward(const at::Tensor& x) const {
    const std::int64_t budget = bandBytes();
    const std::int64_t inputBytes = x.numel() * static_cast<std::int64_t>(x.element_size());
    if (budget <= 0 || inputBytes <= budget || m_stride != 1 || x.dim() != 4 ||
        at::GradMode::is_enabled())
        return at::conv2d(x, m_weight, m_bias, {m_stride, m_stride}, {m_padding, m_padding});
    const std::int64_t kernel = m_weight.size(2), pad = m_padding;
    const std::int64_t height = x.size(2), outHeight = height + 2 * pad - kernel + 1;
    if (outHeight < 2)
        return at::conv2d(x, m_weight, m_bias, {m_stride, m_stride}, {m_padding, m_padding});
    const std::int64_t rowBytes = inputBytes / std::max<std::int64_t>(1, height);
    const std::int64_t rows = std::max<std::int64_t>(1, budget / std::max<std::int64_t>(1, rowBytes));
    at::Tensor out;
    for (std::int64_t first = 0; first < outHeight; first += rows) {
        const std::int64_t last = std::min(outHeight, first + rows);
        // Output rows [first, last) read input rows [first - pad, last - 1 - pad + kernel); the
        // ones outside the picture are the zero padding.
        const std::int64_t begin = first - pad, end = last - 1 - pad + kernel;
        const std::int64_t from = std::max<std::int64_t>(0, begin), to = std::min(height, end);
        at::Tensor band = x.slice(2, from, to);
        if (from != begin || to != end)
            band = at::constant_pad_nd(band, {0, 0, from - begin, end - to});
        const at::Tensor part =
            at::conv2d(band, m_weight, m_bias, at::IntArrayRef{1, 1}, at::IntArrayRef{0, pad});
        if (!out.defined())
            out = at::empty({part.size(0), part.size(1), outHeight, part.size(3)}, part.options());
        out.slice(2, first, last).copy_(part);
    }
    return out;
}

} // namespace limner::engine::ml
