#include "engine/ml/nn/MidBlock2D.h"

#include "engine/ml/nn/BlockLayers.h"
#include "engine/ml/nn/WeightSource.h"

namespace limner::engine::ml {

bool MidBlock2D::knows(const std::string& type) {
    return type == "UNetMidBlock2DCrossAttn" || type == "UNetMidBlock2DSimpleCrossAttn" ||
           type == "UNetMidBlock2D";
}

MidBlock2D MidBlock2D::load(const WeightSource& w, const BlockOptions& o) {
    MidBlock2D b;
    const std::int64_t c = o.in;
    b.m_resnets.push_back(BlockLayers::resnet(w.sub("resnets", 0), o, c, c));
    for (std::int64_t i = 0; i < o.layers; ++i) {
        const auto index = static_cast<std::size_t>(i);
        const WeightSource a = w.sub("attentions", index);
        if (o.type == "UNetMidBlock2DCrossAttn")
            b.m_transformers.push_back(BlockLayers::transformer(a, o, c));
        else if (o.type == "UNetMidBlock2DSimpleCrossAttn")
            b.m_attentions.push_back(BlockLayers::addedKvAttention(a, o, c));
        else if (o.addAttention)
            b.m_attentions.push_back(BlockLayers::spatialAttention(a, o, c));
        b.m_resnets.push_back(BlockLayers::resnet(w.sub("resnets", index + 1), o, c, c));
    }
    return b;
}

at::Tensor MidBlock2D::forward(at::Tensor x, const at::Tensor& temb, const at::Tensor& context) const {
    x = m_resnets[0].forward(x, temb);
    for (std::size_t i = 1; i < m_resnets.size(); ++i) {
        if (!m_transformers.empty())
            x = m_transformers[i - 1].forward(x, context);
        else if (!m_attentions.empty())
            x = m_attentions[i - 1].forward(x, context, at::Tensor(), temb);
        x = m_resnets[i].forward(x, temb);
    }
    return x;
}

} // namespace limner::engine::ml
