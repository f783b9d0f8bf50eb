#include "engine/ml/nn/ResnetBlock2D.h"

#include "engine/ml/nn/WeightSource.h"

#include <ATen/core/grad_mode.h>

namespace limner::engine::ml {

ResnetBlock2D ResnetBlock2D::load(const WeightSource& w, const Options& o) {
    ResnetBlock2D r;
    r.m_options = o;
    if (o.timeNorm == TimeNorm::Spatial) {
        r.m_spatial1 = SpatialNorm::load(w, "norm1", o.in, o.tembChannels);
        r.m_spatial2 = SpatialNorm::load(w, "norm2", o.out, o.tembChannels);
    } else {
        r.m_norm1 = GroupNorm::load(w, "norm1", o.groups, o.in, o.eps);
        r.m_norm2 = GroupNorm::load(w, "norm2", o.groups, o.out, o.eps);
        if (o.tembChannels > 0) {
            const std::int64_t projected = o.timeNorm == TimeNorm::ScaleShift ? 2 * o.out : o.out;
            r.m_timeProj = Linear::load(w, "time_emb_proj", o.tembChannels, projected);
        }
    }
    r.m_conv1 = Conv2d::load(w, "conv1", o.in, o.out, 3, 1, 1);
    r.m_conv2 = Conv2d::load(w, "conv2", o.out, o.out, 3, 1, 1);
    if (o.in != o.out)
        r.m_shortcut = Conv2d::load(w, "conv_shortcut", o.in, o.out, 1);
    return r;
}

at::Tensor ResnetBlock2D::norm1(const at::Tensor& x, const at::Tensor& temb) const {
    return m_options.timeNorm == TimeNorm::Spatial ? m_spatial1.forward(x, temb) : m_norm1.forward(x);
}

at::Tensor ResnetBlock2D::norm2(const at::Tensor& x, const at::Tensor& temb) const {
    return m_options.timeNorm == TimeNorm::Spatial ? m_spatial2.forward(x, temb) : m_norm2.forward(x);
}

at::Tensor ResnetBlock2D::resample(const at::Tensor& x) const {
    switch (m_options.resample) {
    case Resample::Up:
        return at::upsample_nearest2d(x, {2 * x.size(2), 2 * x.size(3)});
    case Resample::Down:
        return at::avg_pool2d(x, {2, 2}, {2, 2});
    case Resample::None:
        break;
    }
    return x;
}

at::Tensor ResnetBlock2D::forward(const at::Tensor& x, const at::Tensor& temb) const {
    if (!at::GradMode::is_enabled())
        return forwardInPlace(x, temb);
    const Activation& act = m_options.activation;
    at::Tensor input = x;
    at::Tensor h = act.forward(norm1(x, temb));
    if (m_options.resample != Resample::None) {
        input = resample(input);
        h = resample(h);
    }
    h = m_conv1.forward(h);
    at::Tensor t;
    if (m_timeProj && temb.defined()) {
        t = m_timeProj->forward(m_options.skipTimeAct ? temb : act.forward(temb))
                .unsqueeze(-1)
                .unsqueeze(-1);
    }
    if (m_options.timeNorm == TimeNorm::ScaleShift && t.defined()) {
        std::vector<at::Tensor> scaleShift = t.chunk(2, 1);
        h = norm2(h, temb) * (1 + scaleShift[0]) + scaleShift[1];
    } else {
        if (t.defined())
            h = h + t;
        h = norm2(h, temb);
    }
    h = m_conv2.forward(act.forward(h));
    if (m_shortcut)
        input = m_shortcut->forward(input);
    at::Tensor out = input + h;
    return m_options.outputScale == 1.0 ? out : out / m_options.outputScale;
}

// forward() without autograd: the same operations in the same order, but each result is written
// over the block's own fresh intermediate instead of a new tensor, so at most the input, one
// intermediate and one operand are alive (at a VAE's full resolution each is hundreds of MB).
at::Tensor ResnetBlock2D::forwardInPlace(const at::Tensor& x, const at::Tensor& temb) const {
    const Activation& act = m_options.activation;
    at::Tensor input = x;
    at::Tensor h = act.forwardInPlace(norm1(x, temb));
    if (m_options.resample != Resample::None) {
        input = resample(input);
        h = resample(h);
    }
    h = m_conv1.forward(h);
    at::Tensor t;
    if (m_timeProj && temb.defined()) {
        t = m_timeProj->forward(m_options.skipTimeAct ? temb : act.forward(temb))
                .unsqueeze(-1)
                .unsqueeze(-1);
    }
    if (m_options.timeNorm == TimeNorm::ScaleShift && t.defined()) {
        std::vector<at::Tensor> scaleShift = t.chunk(2, 1);
        h = norm2(h, temb);
        h.mul_(1 + scaleShift[0]);
        h.add_(scaleShift[1]);
    } else {
        if (t.defined())
            h.add_(t);
        h = norm2(h, temb);
    }
    h = m_conv2.forward(act.forwardInPlace(std::move(h)));
    if (m_shortcut)
        input = m_shortcut->forward(input);
    h.add_(input); // input + h: the same sum
    return m_options.outputScale == 1.0 ? h : h.div_(m_options.outputScale);
}

} // namespace limner::engine::ml
