#pragma once

#include "engine/ml/schedulers/Scheduler.h"

namespace limner::engine::ml {

// diffusers' UniPCMultistepScheduler: UniP predictor and UniC corrector in data (x0)
// prediction, bh1 or bh2, orders 1 to 3, with or without Karras sigmas.
class UniPcMultistepScheduler : public Scheduler {
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
    at::Tensor predictor(const at::Tensor& sample, int order, int i) const;
    at::Tensor corrector(const at::Tensor& thisModelOutput, const at::Tensor& lastSample,
                         const at::Tensor& thisSample, int order, int i) const;
    double lambdaAt(int sigmaIndex) const;
    void coefficients(double h, int order, const std::vector<double>& rks,
                      std::vector<std::vector<double>>& R, std::vector<double>& b, double& hPhi1,
                      double& bH) const;

    std::string m_predictionType;
    std::string m_spacing;
    std::string m_solverType;
    std::int64_t m_stepsOffset = 0;
    int m_solverOrder = 2;
    bool m_karras = false;
    bool m_lowerOrderFinal = true;
    bool m_finalSigmaZero = false; // final_sigmas_type "zero": the last step lands on x0
    std::vector<std::int64_t> m_disableCorrector;
    std::vector<at::Tensor> m_modelOutputs; // newest last
    at::Tensor m_lastSample;
    int m_lowerOrderNums = 0;
    int m_thisOrder = 1;
};

} // namespace limner::engine::ml
