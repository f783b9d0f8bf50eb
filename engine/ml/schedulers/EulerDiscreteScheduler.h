#pragma once

#include "engine/ml/schedulers/Scheduler.h"

namespace limner::engine::ml {

// diffusers' EulerDiscreteScheduler (s_churn = 0: the noise drawn each step is not used), with
// optional Karras sigmas. EulerAncestralScheduler shares its schedule. rescale_betas_zero_snr
// sets the terminal alphas_cumprod to 2^-24, as diffusers.
class EulerDiscreteScheduler : public Scheduler {
public:
    static Status create(ConfigReader& config, std::unique_ptr<Scheduler>& out);

    Status setTimesteps(int numInferenceSteps) override;
    double initNoiseSigma() const override;
    at::Tensor scaleModelInput(const at::Tensor& sample, int stepIndex) const override;
    bool drawsNoise(int) const override { return true; }
    Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                const at::Tensor& noise, SchedulerStep& out) override;
    // Sigma-parameterised: x + sigma(t) * noise.
    at::Tensor addNoise(const at::Tensor& original, const at::Tensor& noise,
                        const at::Tensor& timesteps) const override;

protected:
    // discrete: EulerDiscreteScheduler's own options (Karras sigmas, final_sigmas_type, ...).
    void readEulerConfig(ConfigReader& config, bool discrete);
    at::Tensor predictOriginal(const at::Tensor& modelOutput, const at::Tensor& sample,
                               double sigma) const;

    std::string m_predictionType;
    std::string m_spacing;
    std::int64_t m_stepsOffset = 0;
    bool m_karras = false;
    bool m_finalSigmaMin = false; // final_sigmas_type "sigma_min": end at sigma(0), not 0
};

} // namespace limner::engine::ml
