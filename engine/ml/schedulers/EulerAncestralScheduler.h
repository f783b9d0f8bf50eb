#pragma once

#include "engine/ml/schedulers/EulerDiscreteScheduler.h"

namespace limner::engine::ml {

// diffusers' EulerAncestralDiscreteScheduler: an Euler step to sigma_down plus fresh noise of
// size sigma_up every step.
class EulerAncestralScheduler : public EulerDiscreteScheduler {
public:
    static Status create(ConfigReader& config, std::unique_ptr<Scheduler>& out);

    Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                const at::Tensor& noise, SchedulerStep& out) override;
};

} // namespace limner::engine::ml
