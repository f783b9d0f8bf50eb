#pragma once

#include "engine/ml/schedulers/Scheduler.h"

namespace limner::engine::ml {

// diffusers' DDPMScheduler, variance types fixed_small, fixed_small_log, fixed_large,
// fixed_large_log and learned_range (model output = [prediction ; variance value in (-1, 1)]).
class DdpmScheduler : public Scheduler {
public:
    static Status create(ConfigReader& config, std::unique_ptr<Scheduler>& out);

    Status setTimesteps(int numInferenceSteps) override;
    bool drawsNoise(int stepIndex) const override;
    Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                const at::Tensor& noise, SchedulerStep& out) override;

private:
    std::string m_predictionType;
    std::string m_varianceType;
    std::string m_spacing;
    std::int64_t m_stepsOffset = 0;
    bool m_clipSample = true;
    double m_clipSampleRange = 1.0;
};

} // namespace limner::engine::ml
