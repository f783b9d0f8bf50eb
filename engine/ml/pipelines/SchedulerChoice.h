#pragma once

#include "engine/core/Status.h"
#include "engine/ml/schedulers/Scheduler.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {

// The samplers a user can pick, built over a model's own scheduler_config.json the way
// diffusers' Scheduler.from_config(pipe.scheduler.config) swaps them: training schedule from the
// model, sampler from the choice.
class SchedulerChoice {
public:
    // "" = the model's own class.
    static std::vector<std::string> names();
    static Status create(const nlohmann::json& modelConfig, const std::string& source,
                         const std::string& choice, double eta, std::unique_ptr<Scheduler>& out);
    // Whether the scheduler built for `choice` consumes the UNet's learned variance channels.
    static bool usesLearnedVariance(const nlohmann::json& modelConfig, const std::string& choice);
};

} // namespace limner::engine::ml
