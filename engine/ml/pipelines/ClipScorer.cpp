#include "engine/ml/pipelines/ClipScorer.h"

#include "engine/ml/pipelines/ExceptionStatus.h"
#include "engine/ml/pipelines/ImageTensor.h"
#include "engine/ml/pipelines/KandinskyPrior.h"
#include "engine/ml/pipelines/PipelineFolder.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <map>

namespace limner::engine::ml {

struct ClipScorer::Impl {
    KandinskyPrior prior;
    mutable std::map<std::string, at::Tensor> textEmbeddings; // unit length, [dim]

    at::Tensor unitTextEmbedding(const std::string& text) const {
        const auto cached = textEmbeddings.find(text);
        if (cached != textEmbeddings.end())
            return cached->second;
        const at::Tensor e = prior.textEmbedding(text)[0].to(at::kFloat);
        const at::Tensor unit = e / e.norm().clamp_min(1e-12);
        textEmbeddings.emplace(text, unit);
        return unit;
    }
};

ClipScorer::ClipScorer() = default;
ClipScorer::~ClipScorer() = default;
ClipScorer::ClipScorer(ClipScorer&&) noexcept = default;
ClipScorer& ClipScorer::operator=(ClipScorer&&) noexcept = default;

Status ClipScorer::load(const std::string& folder, ClipScorer& out) {
    try {
        PipelineFolder pipelineFolder;
        if (Status s = PipelineFolder::open(folder, pipelineFolder); !s)
            return s;
        auto impl = std::make_unique<Impl>();
        bool found = false;
        if (Status s = KandinskyPrior::load(pipelineFolder, c10::kCPU, c10::kFloat, found, impl->prior);
            !s)
            return s;
        if (!found)
            return Status::notFound("the model folder " + folder +
                                    " has no Kandinsky 2.2 prior (prior_prior/, prior_text_encoder/, "
                                    "prior_image_encoder/, …), whose CLIP towers score pictures");
        out.m_impl = std::move(impl);
        return Status::ok();
    } catch (...) {
        return statusFromCurrentException("loading the CLIP towers of " + folder);
    }
}

Status ClipScorer::score(const Image& image, const std::vector<std::string>& prompts,
                         std::vector<double>& similarities) const {
    if (!m_impl)
        return Status::badInput("the CLIP scorer has no model; load one first");
    if (image.empty() || !image.isConsistent() || image.channels < 3)
        return Status::badInput("CLIP scores an RGB or RGBA picture; this one is " +
                                std::to_string(image.width) + "×" + std::to_string(image.height) +
                                " with " + std::to_string(image.channels) + " channel(s)");
    try {
        c10::InferenceMode inference;
        const at::Tensor rgb = ImageTensor::fromImage(image).slice(1, 0, 3);
        const at::Tensor embedding = m_impl->prior.imageEmbedding(rgb)[0].to(at::kFloat);
        const at::Tensor unit = embedding / embedding.norm().clamp_min(1e-12);
        std::vector<double> out;
        out.reserve(prompts.size());
        for (const std::string& prompt : prompts)
            out.push_back(at::dot(unit, m_impl->unitTextEmbedding(prompt)).item<double>());
        similarities = std::move(out);
        return Status::ok();
    } catch (...) {
        return statusFromCurrentException("CLIP score");
    }
}

} // namespace limner::engine::ml
