#pragma once

#include "engine/core/Status.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace limner::engine::ml {

class ConfigReader;

struct SchedulerStep {
    at::Tensor prevSample;
    at::Tensor predOriginalSample; // undefined for schedulers that do not produce one
};

// A diffusion sampler with the behaviour of its diffusers namesake (0.25): the same timesteps,
// sigmas, input scaling and update rule, so that a model trained for diffusers samples the same.
//
// Steps are addressed by index into timesteps(), in order: setTimesteps(n), then for i in
// 0..timesteps().size(0)-1: scaleModelInput(x, i), run the model, step(out, i, x, noise).
// Where drawsNoise(i) is true the caller passes standard normal noise of the sample's shape
// (that is how seeds and reference noise are injected); otherwise noise may be undefined.
// Requirements: one sampling loop at a time per object (multistep schedulers keep history).
class Scheduler {
public:
    virtual ~Scheduler() = default;

    virtual Status setTimesteps(int numInferenceSteps) = 0;
    // CPU tensors: int64 timesteps (float32 for the Euler family, which may be fractional).
    const at::Tensor& timesteps() const { return m_timesteps; }
    const at::Tensor& sigmas() const { return m_sigmas; } // undefined where there are none
    const at::Tensor& alphasCumprod() const { return m_alphasCumprod; }
    virtual double initNoiseSigma() const { return 1.0; }

    virtual at::Tensor scaleModelInput(const at::Tensor& sample, int stepIndex) const;
    virtual bool drawsNoise(int stepIndex) const { return false; }
    virtual Status step(const at::Tensor& modelOutput, int stepIndex, const at::Tensor& sample,
                        const at::Tensor& noise, SchedulerStep& out) = 0;
    // Forward diffusion to the given timesteps (one per batch row, or one for all).
    virtual at::Tensor addNoise(const at::Tensor& original, const at::Tensor& noise,
                                const at::Tensor& timesteps) const;

protected:
    // Reads num_train_timesteps, beta_start, beta_end, beta_schedule, trained_betas,
    // rescale_betas_zero_snr and builds betas / alphas / alphas_cumprod in float32 as diffusers does.
    void readTrainingSchedule(ConfigReader& config, const char* defaultSchedule = "linear");
    Status checkStep(int stepIndex, const at::Tensor& modelOutput, const at::Tensor& sample) const;
    double alphaCumprod(std::int64_t t) const {
        return m_alphasCumprodValues.at(static_cast<std::size_t>(t));
    }
    // Sigma-parameterised schedulers: sigma -> (alpha_t, sigma_t) of the VP process.
    static void alphaSigma(double sigma, double& alphaT, double& sigmaT);
    // timesteps as the "leading"/"trailing"/"linspace" spacing give them, largest first.
    std::vector<double> spacedTimesteps(const std::string& spacing, int n,
                                        std::int64_t stepsOffset) const;
    // sqrt((1 - alphas_cumprod) / alphas_cumprod), computed in float32 as diffusers does.
    std::vector<double> trainingSigmas() const;
    // Karras et al. (2022) rho = 7 spacing between the largest and smallest of sigmas.
    static std::vector<double> karrasSigmas(const std::vector<double>& descending, int n);
    // The fractional training timestep of a sigma, interpolating log-sigma.
    static double sigmaToTimestep(double sigma, const std::vector<double>& logSigmas);
    // numpy.interp over xp = 0, 1, 2, ...
    static double interpolate(double x, const std::vector<double>& fp);
    // add_noise of the sigma-parameterised multistep solvers: alpha(sigma) x + sigma_t(sigma) noise,
    // sigma taken at each timestep's index in the schedule.
    at::Tensor addNoiseBySigma(const at::Tensor& original, const at::Tensor& noise,
                               const at::Tensor& timesteps) const;
    static at::Tensor broadcastRows(const at::Tensor& perRow, const at::Tensor& like);

    std::int64_t m_numTrainTimesteps = 1000;
    at::Tensor m_betas;
    at::Tensor m_alphas;
    at::Tensor m_alphasCumprod;
    std::vector<double> m_betasValues;
    std::vector<double> m_alphasCumprodValues;
    at::Tensor m_timesteps;
    at::Tensor m_sigmas;
    std::vector<double> m_timestepValues;
    std::vector<double> m_sigmaValues;
    int m_numInferenceSteps = 0;
};

} // namespace limner::engine::ml
