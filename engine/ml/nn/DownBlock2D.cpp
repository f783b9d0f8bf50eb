#include "engine/ml/nn/DownBlock2D.h"

#include "engine/ml/nn/BlockLayers.h"
#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

bool DownBlock2D::knows(const std::string& type) {
    return type == "DownBlock2D" || type == "CrossAttnDownBlock2D" ||
           type == "SimpleCrossAttnDownBlock2D" || type == "ResnetDownsampleBlock2D" ||
           type == "DownEncoderBlock2D" || type == "AttnDownEncoderBlock2D";
}

DownBlock2D DownBlock2D::load(const WeightSource& w, const BlockOptions& o) {
    DownBlock2D b;
    for (std::int64_t i = 0; i < o.layers; ++i) {
        const auto index = static_cast<std::size_t>(i);
        b.m_resnets.push_back(
            BlockLayers::resnet(w.sub("resnets", index), o, i == 0 ? o.in : o.out, o.out));
        const WeightSource a = w.sub("attentions", index);
        if (o.type == "CrossAttnDownBlock2D")
            b.m_transformers.push_back(BlockLayers::transformer(a, o, o.out));
        else if (o.type == "SimpleCrossAttnDownBlock2D")
            b.m_attentions.push_back(BlockLayers::addedKvAttention(a, o, o.out));
        else if (o.type == "AttnDownEncoderBlock2D")
            b.m_attentions.push_back(BlockLayers::spatialAttention(a, o, o.out));
    }
    if (o.addSample) {
        const WeightSource d = w.sub("downsamplers", 0);
        if (o.type == "ResnetDownsampleBlock2D" || o.type == "SimpleCrossAttnDownBlock2D")
            b.m_resnetDownsampler =
                BlockLayers::resnet(d, o, o.out, o.out, ResnetBlock2D::Resample::Down);
        else
            b.m_downsampler = Downsample2D::load(d, o.out, o.out, o.downsamplePadding);
    }
    return b;
}

at::Tensor DownBlock2D::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                                std::vector<at::Tensor>* skips) const {
    for (std::size_t i = 0; i < m_resnets.size(); ++i) {
        x = m_resnets[i].forward(x, temb);
        if (!m_transformers.empty())
            x = m_transformers[i].forward(x, context);
        else if (!m_attentions.empty())
            x = m_attentions[i].forward(x, context, at::Tensor(), temb);
        if (skips)
            skips->push_back(x);
    }
    if (m_downsampler)
        x = m_downsampler->forward(x);
    else if (m_resnetDownsampler)
        x = m_resnetDownsampler->forward(x, temb);
    if (skips && (m_downsampler || m_resnetDownsampler))
        skips->push_back(x);
    return x;
}

} // namespace limner::engine::ml
