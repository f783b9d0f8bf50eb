#pragma once

#include "engine/ml/schedulers/Scheduler.h"

namespace limner::engine::ml {

// diffusers' PNDMScheduler with skip_prk_steps (PLMS, the Stable Diffusion default). The schedule
// has n + 1 entries for n >= 2: the second step repeats a timestep to finish the first Heun-like
// update.
class PndmScheduler : public Scheduler {
public:
    static Status create(ConfigReader& config, std::unique_ptr<Scheduler>& out);

    Status setTimesteps(int numInferenceSteps) override;
    Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                const at::Tensor& noise, SchedulerStep& out) override;

private:
    at::Tensor previousSample(const at::Tensor& sample, std::int64_t t, std::int64_t prevT,
                              const at::Tensor& modelOutput) const;

    std::string m_predictionType;
    std::string m_spacing;
    std::int64_t m_stepsOffset = 0;
    double m_finalAlphaCumprod = 1.0;
    std::vector<at::Tensor> m_ets;
    at::Tensor m_curSample;
    int m_counter = 0;
};

} // namespace limner::engine::ml
