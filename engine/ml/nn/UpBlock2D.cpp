#include "engine/ml/nn/UpBlock2D.h"

#include "engine/ml/nn/BlockLayers.h"
#include "engine/ml/nn/WeightSource.h"

#include <c10/util/Exception.h>

namespace limner::engine::ml {

bool UpBlock2D::knows(const std::string& type) {
    return type == "UpBlock2D" || type == "CrossAttnUpBlock2D" || type == "SimpleCrossAttnUpBlock2D" ||
           type == "ResnetUpsampleBlock2D" || type == "UpDecoderBlock2D" ||
           type == "AttnUpDecoderBlock2D";
}

UpBlock2D UpBlock2D::load(const WeightSource& w, const BlockOptions& o) {
    UpBlock2D b;
    b.m_usesSkips = o.type != "UpDecoderBlock2D" && o.type != "AttnUpDecoderBlock2D";
    for (std::int64_t i = 0; i < o.layers; ++i) {
        const auto index = static_cast<std::size_t>(i);
        std::int64_t in = i == 0 ? o.in : o.out;
        if (b.m_usesSkips) {
            const std::int64_t skip = i == o.layers - 1 ? o.in : o.out;
            in = (i == 0 ? o.prevOut : o.out) + skip;
        }
        b.m_resnets.push_back(BlockLayers::resnet(w.sub("resnets", index), o, in, o.out));
        const WeightSource a = w.sub("attentions", index);
        if (o.type == "CrossAttnUpBlock2D")
            b.m_transformers.push_back(BlockLayers::transformer(a, o, o.out));
        else if (o.type == "SimpleCrossAttnUpBlock2D")
            b.m_attentions.push_back(BlockLayers::addedKvAttention(a, o, o.out));
        else if (o.type == "AttnUpDecoderBlock2D")
            b.m_attentions.push_back(BlockLayers::spatialAttention(a, o, o.out));
    }
    if (o.addSample) {
        const WeightSource u = w.sub("upsamplers", 0);
        if (o.type == "ResnetUpsampleBlock2D" || o.type == "SimpleCrossAttnUpBlock2D")
            b.m_resnetUpsampler = BlockLayers::resnet(u, o, o.out, o.out, ResnetBlock2D::Resample::Up);
        else
            b.m_upsampler = Upsample2D::load(u, o.out, o.out);
    }
    return b;
}

at::Tensor UpBlock2D::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context,
                              std::vector<at::Tensor>* skips, std::int64_t upsampleHeight,
                              std::int64_t upsampleWidth) const {
    for (std::size_t i = 0; i < m_resnets.size(); ++i) {
        if (m_usesSkips) {
            TORCH_CHECK(skips && !skips->empty(), "UNet up block ran out of skip connections");
            x = at::cat({x, skips->back()}, 1);
            skips->pop_back();
        }
        x = m_resnets[i].forward(x, temb);
        if (!m_transformers.empty())
            x = m_transformers[i].forward(x, context);
        else if (!m_attentions.empty())
            x = m_attentions[i].forward(x, context, at::Tensor(), temb);
    }
    if (m_upsampler)
        x = m_upsampler->forward(x, upsampleHeight, upsampleWidth);
    else if (m_resnetUpsampler)
        x = m_resnetUpsampler->forward(x, temb);
    return x;
}

} // namespace limner::engine::ml
