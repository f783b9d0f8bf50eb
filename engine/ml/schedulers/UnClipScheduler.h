#pragma once

#include "engine/ml/schedulers/Scheduler.h"

namespace limner::engine::ml {

// diffusers' UnCLIPScheduler as the Kandinsky prior pipeline drives it: each step goes to the
// next timestep of the schedule (prev_timestep), the last one to t - 1.
class UnClipScheduler : public Scheduler {
public:
    static Status create(ConfigReader& config, std::unique_ptr<Scheduler>& out);

    Status setTimesteps(int numInferenceSteps) override;
    bool drawsNoise(int stepIndex) const override;
    Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                const at::Tensor& noise, SchedulerStep& out) override;

private:
    std::string m_varianceType;
    std::string m_predictionType;
    bool m_clipSample = true;
    double m_clipSampleRange = 1.0;
};

} // namespace limner::engine::ml
