#include "engine/ml/schedulers/EulerAncestralScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <cmath>

namespace limner::engine::ml {

Status EulerAncestralScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<EulerAncestralScheduler>();
    s->readEulerConfig(config, false);
    if (!config.status())
        return config.status();
    out = std::move(s);
    return Status::ok();
}

Status EulerAncestralScheduler::step(const at::Tensor& modelOutput, int i, const at::Tensor& sample,
                                     const at::Tensor& noise, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutput, sample); !s)
        return s;
    if (!noise.defined())
        return Status::internal("Euler ancestral step needs noise");
    const double sigmaFrom = m_sigmaValues[i];
    const double sigmaTo = m_sigmaValues[i + 1];
    const at::Tensor x0 = predictOriginal(modelOutput, sample, sigmaFrom);
    const double sigmaUp = std::sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) /
                                     (sigmaFrom * sigmaFrom));
    const double sigmaDown = std::sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
    const at::Tensor derivative = (sample - x0) / sigmaFrom;
    out = {sample + derivative * (sigmaDown - sigmaFrom) + noise * sigmaUp, x0};
    return Status::ok();
}

} // namespace limner::engine::ml
