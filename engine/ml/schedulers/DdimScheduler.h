#pragma once

#include "engine/ml/schedulers/Scheduler.h"

namespace limner::engine::ml {

// diffusers' DDIMScheduler (deterministic for eta = 0).
class DdimScheduler : public Scheduler {
public:
    static Status create(ConfigReader& config, std::unique_ptr<Scheduler>& out);

    void setEta(double eta) { m_eta = eta; }
    Status setTimesteps(int numInferenceSteps) override;
    bool drawsNoise(int stepIndex) const override { return m_eta > 0; }
    Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                const at::Tensor& noise, SchedulerStep& out) override;

private:
    std::string m_predictionType;
    std::string m_spacing;
    std::int64_t m_stepsOffset = 0;
    bool m_clipSample = true;
    double m_clipSampleRange = 1.0;
    double m_finalAlphaCumprod = 1.0;
    double m_eta = 0.0;
};

} // namespace limner::engine::ml
