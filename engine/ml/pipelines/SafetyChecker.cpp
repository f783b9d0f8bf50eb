#include "engine/ml/pipelines/SafetyChecker.h"

#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/pipelines/KandinskyPrior.h"
#include "engine/ml/pipelines/PipelineFolder.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <cmath>
#include <nlohmann/json.hpp>

namespace limner::engine::ml {

namespace {

constexpr const char* kComponent = "safety_checker";

// Python's round(x, 3): to the nearest thousandth, halves to even.
double round3(double x) {
    return std::nearbyint(x * 1000.0) / 1000.0;
}

std::vector<double> toVector(const at::Tensor& t) {
    const at::Tensor c = t.to(at::kCPU, at::kDouble).contiguous();
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

} // namespace

Status SafetyChecker::load(const PipelineFolder& folder, c10::Device device, c10::ScalarType dtype,
                           SafetyChecker& out) {
    try {
        nlohmann::json config;
        if (Status s = folder.readJson(kComponent, "config.json", config); !s)
            return s;
        if (!config.is_object() || !config.contains("vision_config") ||
            !config["vision_config"].is_object())
            return Status::modelFormat(std::string(kComponent) +
                                       "/config.json has no vision_config (a CLIPConfig is expected)");
        nlohmann::json vision = config["vision_config"];
        vision["model_type"] = "clip_vision_model";
        vision["projection_dim"] = config.value("projection_dim", 768);
        StateDict weights;
        if (Status s = folder.loadWeights(kComponent, device, dtype, weights); !s)
            return s;
        // StableDiffusionSafetyChecker holds a CLIPVisionModel as `vision_model` and its own
        // projection: the same names as CLIPVisionModelWithProjection once the outer prefix goes.
        StateDict tower;
        SafetyChecker checker;
        const std::string prefix = "vision_model.";
        for (auto& [name, tensor] : weights) {
            if (name.rfind(prefix, 0) == 0)
                tower.emplace(name.substr(prefix.size()), tensor);
            else if (name == "visual_projection.weight")
                tower.emplace(name, tensor);
        }
        auto take = [&](const char* name, std::int64_t dims) {
            const auto it = weights.find(name);
            if (it == weights.end() || it->second.dim() != dims)
                throw ModelFormatError(std::string(kComponent) + ": the weight " + name +
                                       " is missing or has the wrong shape");
            return it->second.to(device, at::kFloat);
        };
        checker.m_concepts = take("concept_embeds", 2);
        checker.m_conceptThresholds = take("concept_embeds_weights", 1);
        checker.m_special = take("special_care_embeds", 2);
        checker.m_specialThresholds = take("special_care_embeds_weights", 1);
        if (checker.m_concepts.size(0) != checker.m_conceptThresholds.size(0) ||
            checker.m_special.size(0) != checker.m_specialThresholds.size(0))
            return Status::modelFormat(std::string(kComponent) +
                                       ": the concept embeddings and thresholds differ in number");
        if (Status s = ClipVisionModel::load(vision, tower, device, dtype, checker.m_vision); !s)
            return Status(s.code(), std::string(kComponent) + ": " + s.message());
        if (checker.m_concepts.size(1) != checker.m_vision.projectionDim() ||
            checker.m_special.size(1) != checker.m_vision.projectionDim())
            return Status::modelFormat(std::string(kComponent) +
                                       ": the concept embeddings do not match projection_dim");
        nlohmann::json processor;
        if (folder.hasComponent("feature_extractor") &&
            folder.readJson("feature_extractor", "preprocessor_config.json", processor)) {
            KandinskyPrior::readImageProcessor(processor, checker.m_mean, checker.m_std);
        }
        out = std::move(checker);
        return Status::ok();
    } catch (const ModelFormatError& e) {
        return Status::modelFormat(e.what());
    } catch (const c10::Error& e) {
        return Status::modelFormat(std::string(kComponent) + ": " + e.what_without_backtrace());
    }
}

std::vector<SafetyChecker::Verdict> SafetyChecker::check(const at::Tensor& images) const {
    const at::Tensor pixels =
        KandinskyPrior::clipInput(images.to(at::kFloat), m_vision.imageSize(), m_mean, m_std);
    const at::Tensor embeds = m_vision.forward(pixels, false).imageEmbeds.to(at::kFloat);
    auto cosine = [](const at::Tensor& a, const at::Tensor& b) {
        return at::mm(a / a.norm(2, {1}, true), (b / b.norm(2, {1}, true)).t());
    };
    const at::Tensor special = cosine(embeds, m_special);
    const at::Tensor concept_ = cosine(embeds, m_concepts);
    const std::vector<double> specialThresholds = toVector(m_specialThresholds);
    const std::vector<double> conceptThresholds = toVector(m_conceptThresholds);
    std::vector<Verdict> verdicts;
    for (std::int64_t i = 0; i < embeds.size(0); ++i)
        verdicts.push_back(
            decide(toVector(special[i]), specialThresholds, toVector(concept_[i]), conceptThresholds));
    return verdicts;
}

SafetyChecker::Verdict SafetyChecker::decide(const std::vector<double>& specialCosines,
                                             const std::vector<double>& specialThresholds,
                                             const std::vector<double>& conceptCosines,
                                             const std::vector<double>& conceptThresholds) {
    Verdict v;
    double adjustment = 0.0;
    for (std::size_t k = 0; k < specialCosines.size() && k < specialThresholds.size(); ++k) {
        const double score = round3(specialCosines[k] - specialThresholds[k] + adjustment);
        v.specialScores.push_back(score);
        if (score > 0) {
            v.specialCare = true;
            adjustment = 0.01; // diffusers: stricter from here on once a special concept shows
        }
    }
    for (std::size_t k = 0; k < conceptCosines.size() && k < conceptThresholds.size(); ++k) {
        const double score = round3(conceptCosines[k] - conceptThresholds[k] + adjustment);
        v.conceptScores.push_back(score);
        if (score > 0)
            v.badConcepts.push_back(static_cast<int>(k));
    }
    v.flagged = !v.badConcepts.empty();
    return v;
}

std::vector<double> SafetyChecker::cosines(const std::vector<double>& embedding,
                                           const std::vector<std::vector<double>>& rows) {
    auto norm = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v)
            s += x * x;
        return std::sqrt(s);
    };
    const double n = norm(embedding);
    std::vector<double> out;
    for (const auto& row : rows) {
        double dot = 0;
        for (std::size_t i = 0; i < row.size() && i < embedding.size(); ++i)
            dot += row[i] * embedding[i];
        const double m = norm(row);
        out.push_back(n > 0 && m > 0 ? dot / (n * m) : 0.0);
    }
    return out;
}

} // namespace limner::engine::ml
