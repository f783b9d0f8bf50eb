#include "engine/ml/schedulers/SchedulerFactory.h"

#include "engine/ml/config/ConfigReader.h"
#include "engine/ml/config/JsonFile.h"
#include "engine/ml/schedulers/DdimScheduler.h"
#include "engine/ml/schedulers/DdpmScheduler.h"
#include "engine/ml/schedulers/DpmSolverMultistepScheduler.h"
#include "engine/ml/schedulers/EulerAncestralScheduler.h"
#include "engine/ml/schedulers/EulerDiscreteScheduler.h"
#include "engine/ml/schedulers/PndmScheduler.h"
#include "engine/ml/schedulers/UnClipScheduler.h"
#include "engine/ml/schedulers/UniPcMultistepScheduler.h"

namespace limner::engine::ml {

Status SchedulerFactory::load(const std::string& configPath, std::unique_ptr<Scheduler>& out) {
    nlohmann::json config;
    if (Status s = JsonFile::read(configPath, config); !s)
        return s;
    return create(config, configPath, out);
}

Status SchedulerFactory::create(const nlohmann::json& json, const std::string& source,
                                std::unique_ptr<Scheduler>& out, std::string className) {
    ConfigReader config(json, source);
    if (className.empty())
        className = config.string("_class_name", "");
    if (!config.status())
        return config.status();
    using Create = Status (*)(ConfigReader&, std::unique_ptr<Scheduler>&);
    static const std::pair<const char*, Create> classes[] = {
        {"DDPMScheduler", &DdpmScheduler::create},
        {"DDIMScheduler", &DdimScheduler::create},
        {"PNDMScheduler", &PndmScheduler::create},
        {"EulerDiscreteScheduler", &EulerDiscreteScheduler::create},
        {"EulerAncestralDiscreteScheduler", &EulerAncestralScheduler::create},
        {"DPMSolverMultistepScheduler", &DpmSolverMultistepScheduler::create},
        {"UniPCMultistepScheduler", &UniPcMultistepScheduler::create},
        {"UnCLIPScheduler", &UnClipScheduler::create},
    };
    for (const auto& [name, create] : classes) {
        if (className == name)
            return create(config, out);
    }
    std::string list;
    for (const auto& entry : classes)
        list += (list.empty() ? "" : ", ") + std::string(entry.first);
    return Status::modelFormat(source + ": scheduler class \"" + className +
                               "\" is not implemented (Limner has " + list + ")");
}

} // namespace limner::engine::ml
