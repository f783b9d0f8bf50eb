#include "engine/ml/pipelines/SchedulerChoice.h"

#include "engine/ml/schedulers/DdimScheduler.h"
#include "engine/ml/schedulers/SchedulerFactory.h"

#include <map>

namespace limner::engine::ml {

namespace {

struct Choice {
    const char* className;
    nlohmann::json overrides;
};

const std::map<std::string, Choice>& choices() {
    static const std::map<std::string, Choice> table = {
        {"ddpm", {"DDPMScheduler", nlohmann::json::object()}},
        {"ddim", {"DDIMScheduler", nlohmann::json::object()}},
        {"pndm", {"PNDMScheduler", {{"skip_prk_steps", true}}}},
        {"euler", {"EulerDiscreteScheduler", nlohmann::json::object()}},
        {"euler-ancestral", {"EulerAncestralDiscreteScheduler", nlohmann::json::object()}},
        {"dpm++2m",
         {"DPMSolverMultistepScheduler",
          {{"algorithm_type", "dpmsolver++"}, {"solver_order", 2}, {"use_karras_sigmas", false}}}},
        {"dpm++2m-karras",
         {"DPMSolverMultistepScheduler",
          {{"algorithm_type", "dpmsolver++"}, {"solver_order", 2}, {"use_karras_sigmas", true}}}},
        {"unipc", {"UniPCMultistepScheduler", nlohmann::json::object()}},
    };
    return table;
}

std::string modelClass(const nlohmann::json& config) {
    const auto it = config.find("_class_name");
    return it != config.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::vector<std::string> SchedulerChoice::names() {
    std::vector<std::string> out;
    for (const auto& [name, choice] : choices())
        out.push_back(name);
    return out;
}

Status SchedulerChoice::create(const nlohmann::json& modelConfig, const std::string& source,
                               const std::string& choice, double eta, std::unique_ptr<Scheduler>& out) {
    nlohmann::json config = modelConfig;
    std::string className = modelClass(modelConfig);
    if (!choice.empty()) {
        const auto it = choices().find(choice);
        if (it == choices().end()) {
            std::string list;
            for (const std::string& n : names())
                list += (list.empty() ? "" : ", ") + n;
            return Status::badInput("unknown scheduler \"" + choice + "\"; choose one of " + list);
        }
        if (it->second.className != className) {
            // The model's variance option belongs to its DDPM sampler; other samplers drop the
            // UNet's variance channels instead (as diffusers' pipelines do).
            config.erase("variance_type");
            className = it->second.className;
        }
        for (const auto& [key, value] : it->second.overrides.items())
            config[key] = value;
        config["_class_name"] = className;
    }
    if (Status s = SchedulerFactory::create(config, source, out, className); !s)
        return s;
    if (auto* ddim = dynamic_cast<DdimScheduler*>(out.get()))
        ddim->setEta(eta);
    return Status::ok();
}

bool SchedulerChoice::usesLearnedVariance(const nlohmann::json& modelConfig,
                                          const std::string& choice) {
    const std::string cls = modelClass(modelConfig);
    if (!choice.empty() && choice != "ddpm")
        return false;
    if (cls != "DDPMScheduler" && cls != "UnCLIPScheduler")
        return false;
    const auto it = modelConfig.find("variance_type");
    if (it == modelConfig.end() || !it->is_string())
        return false;
    return *it == "learned" || *it == "learned_range";
}

} // namespace limner::engine::ml
