#pragma once

#include "engine/core/Status.h"
#include "engine/ml/schedulers/Scheduler.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace limner::engine::ml {

// Builds the scheduler a diffusers scheduler_config.json names in "_class_name" (or another
// class, as pipelines allow swapping schedulers over the same config).
class SchedulerFactory {
public:
    static Status load(const std::string& configPath, std::unique_ptr<Scheduler>& out);
    // className empty: use the config's "_class_name". source names the config in messages.
    static Status create(const nlohmann::json& config, const std::string& source,
                         std::unique_ptr<Scheduler>& out, std::string className = {});
};

} // namespace limner::engine::ml
