#pragma once

#include "engine/ml/schedulers/Scheduler.h"

namespace limner::engine::ml {

// diffusers' DPMSolverMultistepScheduler, algorithm "dpmsolver++" of order 1 or 2 ("DPM++ 2M"),
// midpoint or heun solver, with or without Karras sigmas.
class DpmSolverMultistepScheduler : public Scheduler {
public:
    static Status create(ConfigReader& config, std::unique_ptr<Scheduler>& out);

    Status setTimesteps(int numInferenceSteps) override;
    Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                const at::Tensor& noise, SchedulerStep& out) override;
    at::Tensor addNoise(const at::Tensor& original, const at::Tensor& noise,
                        const at::Tensor& timesteps) const override {
        return addNoiseBySigma(original, noise, timesteps);
    }

private:
    at::Tensor convertModelOutput(const at::Tensor& modelOutput, const at::Tensor& sample, int i) const;
    double lambdaAt(int sigmaIndex) const;

    std::string m_predictionType;
    std::string m_spacing;
    std::string m_solverType;
    std::int64_t m_stepsOffset = 0;
    int m_solverOrder = 2;
    bool m_karras = false;
    bool m_lowerOrderFinal = true;
    bool m_eulerAtFinal = false;
    bool m_finalSigmaZero = false; // final_sigmas_type "zero": the last step lands on x0
    double m_lambdaMinClipped = -INFINITY;
    std::vector<at::Tensor> m_modelOutputs; // newest last
    int m_lowerOrderNums = 0;
};

} // namespace limner::engine::ml
