#include "engine/ml/pipelines/AutoencoderRoundTrip.h"

#include "engine/ml/nn/VqModel.h"
#include "engine/ml/pipelines/ExceptionStatus.h"
#include "engine/ml/pipelines/ImageTensor.h"
#include "engine/ml/pipelines/PipelineFolder.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace limner::engine::ml {

struct AutoencoderRoundTrip::Impl {
    VqModel movq;
};

AutoencoderRoundTrip::AutoencoderRoundTrip() = default;
AutoencoderRoundTrip::~AutoencoderRoundTrip() = default;
AutoencoderRoundTrip::AutoencoderRoundTrip(AutoencoderRoundTrip&&) noexcept = default;
AutoencoderRoundTrip& AutoencoderRoundTrip::operator=(AutoencoderRoundTrip&&) noexcept = default;

Status AutoencoderRoundTrip::load(const std::string& folder, AutoencoderRoundTrip& out) {
    try {
        PipelineFolder pipelineFolder;
        if (Status s = PipelineFolder::open(folder, pipelineFolder); !s)
            return s;
        if (!pipelineFolder.hasComponent("movq"))
            return Status::notFound("the model folder " + folder + " has no autoencoder (movq/)");
        nlohmann::json config;
        if (Status s = pipelineFolder.readJson("movq", "config.json", config); !s)
            return s;
        StateDict weights;
        if (Status s = pipelineFolder.loadWeights("movq", c10::kCPU, c10::kFloat, weights); !s)
            return s;
        auto impl = std::make_unique<Impl>();
        if (Status s = VqModel::load(config, weights, c10::kCPU, c10::kFloat, impl->movq); !s)
            return Status(s.code(), "movq: " + s.message());
        out.m_impl = std::move(impl);
        return Status::ok();
    } catch (...) {
        return statusFromCurrentException("loading the autoencoder of " + folder);
    }
}

Status AutoencoderRoundTrip::run(const Image& image, Image& out) const {
    if (!m_impl)
        return Status::badInput("the autoencoder has no model; load one first");
    const std::int64_t factor = m_impl->movq.downFactor();
    if (image.empty() || !image.isConsistent() || image.channels < 3 || image.width % factor != 0 ||
        image.height % factor != 0)
        return Status::badInput("the autoencoder takes an RGB or RGBA picture whose sides are "
                                "multiples of " +
                                std::to_string(factor) + "; this one is " +
                                std::to_string(image.width) + "×" + std::to_string(image.height) +
                                " with " + std::to_string(image.channels) + " channel(s)");
    try {
        c10::InferenceMode inference;
        const at::Tensor rgb = ImageTensor::fromImage(image).slice(1, 0, 3);
        const at::Tensor decoded = m_impl->movq.decode(m_impl->movq.encode(rgb * 2 - 1), true);
        out = ImageTensor::toImage((decoded * 0.5 + 0.5).clamp(0, 1));
        return Status::ok();
    } catch (...) {
        return statusFromCurrentException("autoencoder round trip");
    }
}

} // namespace limner::engine::ml
