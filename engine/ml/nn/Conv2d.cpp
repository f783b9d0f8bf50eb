#include "engine/ml/nn/Conv2d.h"

#include "engine/ml/nn/WeightSource.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <algorithm>
#include <atomic>

namespace limner::engine::ml {

namespace {

thread_local ConvolutionPacking* t_packing = nullptr;

} // namespace

void Conv2d::Weight::pack() {
    if (tensor.is_mkldnn())
        return;
    try {
        tensor = at::mkldnn_reorder_conv2d_weight(tensor.to_mkldnn(), {padding, padding},
                                                  {stride, stride}, {1, 1}, 1);
    } catch (const c10::Error&) {
        // oneDNN cannot hold this weight here (bfloat16 without AVX-512): it stays plain.
    }
}

ConvolutionPacking::ConvolutionPacking()
    : m_outer(t_packing) {
    t_packing = this;
}

ConvolutionPacking::~ConvolutionPacking() {
    t_packing = m_outer;
}

ConvolutionPacking* ConvolutionPacking::current() {
    return t_packing;
}

void ConvolutionPacking::pack() {
    for (const std::weak_ptr<Conv2d::Weight>& pending : m_pending)
        if (const std::shared_ptr<Conv2d::Weight> weight = pending.lock())
            weight->pack();
    m_pending.clear();
}

Conv2d Conv2d::load(const WeightSource& weights, const std::string& name, std::int64_t in,
                    std::int64_t out, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                    bool bias) {
    Conv2d c;
    const WeightSource w = weights.sub(name);
    c.m_weight = std::make_shared<Weight>();
    c.m_weight->tensor = w.get("weight", {out, in, kernel, kernel});
    c.m_weight->stride = stride;
    c.m_weight->padding = padding;
    if (bias)
        c.m_bias = w.get("bias", {out});
    c.m_stride = stride;
    c.m_padding = padding;
    const at::Tensor& t = c.m_weight->tensor;
    if (packing() && at::hasMKLDNN() && t.device().is_cpu() && !t.requires_grad() &&
        !(c.m_bias.defined() && c.m_bias.requires_grad()) &&
        (t.scalar_type() == at::kFloat || t.scalar_type() == at::kBFloat16)) {
        if (ConvolutionPacking* scope = ConvolutionPacking::current())
            scope->m_pending.push_back(c.m_weight);
        else
            c.m_weight->pack();
    }
    return c;
}

namespace {

std::atomic<std::int64_t> g_bandBytes{Conv2d::kBandBytes};
std::atomic<bool> g_packing{true};

} // namespace

std::int64_t Conv2d::bandBytes() {
    return g_bandBytes.load(std::memory_order_relaxed);
}

void Conv2d::setBandBytes(std::int64_t bytes) {
    g_bandBytes.store(bytes, std::memory_order_relaxed);
}

bool Conv2d::packing() {
    return g_packing.load(std::memory_order_relaxed);
}

void Conv2d::setPacking(bool on) {
    g_packing.store(on, std::memory_order_relaxed);
}

bool Conv2d::packed() const {
    return m_weight && m_weight->tensor.is_mkldnn();
}

at::Tensor Conv2d::convolve(const at::Tensor& x, std::int64_t stride, std::int64_t padRows,
                            std::int64_t padColumns) const {
    const at::Tensor& weight = m_weight->tensor;
    if (!weight.is_mkldnn())
        return at::conv2d(x, weight, m_bias, {stride, stride}, {padRows, padColumns});
    if (at::GradMode::is_enabled() && x.requires_grad())
        return at::conv2d(x, weight.to_dense(), m_bias, {stride, stride}, {padRows, padColumns});
    return at::mkldnn_convolution(x.contiguous(), weight, m_bias, {padRows, padColumns},
                                  {stride, stride}, {1, 1}, 1);
}

at::Tensor Conv2d::forward(const at::Tensor& x) const {
    const std::int64_t budget = bandBytes();
    const std::int64_t inputBytes = x.numel() * static_cast<std::int64_t>(x.element_size());
    if (budget <= 0 || inputBytes <= budget || m_stride != 1 || x.dim() != 4 ||
        at::GradMode::is_enabled())
        return convolve(x, m_stride, m_padding, m_padding);
    const std::int64_t kernel = m_weight->tensor.size(2), pad = m_padding;
    const std::int64_t height = x.size(2), outHeight = height + 2 * pad - kernel + 1;
    if (outHeight < 2)
        return convolve(x, m_stride, m_padding, m_padding);
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
        const at::Tensor part = convolve(band, 1, 0, pad);
        if (!out.defined())
            out = at::empty({part.size(0), part.size(1), outHeight, part.size(3)}, part.options());
        out.slice(2, first, last).copy_(part);
    }
    return out;
}

} // namespace limner::engine::ml
