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
// Config keys that later diffusers versions added are read where they change sampling
// (rescale_betas_zero_snr, final_sigmas_type) or refused unless they hold their default.
//
// Steps are addressed by index into timesteps(), in order: setTimesteps(n), then for i in
// 0..timesteps().size(0)-1 (which can differ from n, as in diffusers): scaleModelInput(x, i),
// run the model, step(out, i, x, noise).
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
    // What a scheduler does with rescale_betas_zero_snr: DDIM and DDPM rescale the betas so the
    // last alphas_cumprod is 0; the sigma-parameterised samplers then set it to 2^-24 so that the
    // first sigma (4096) is finite; PNDM and UnCLIP have no such parameter and ignore the key.
    enum class ZeroTerminalSnr { NotAParameter, AlphaZero, AlphaTiny };

    // Reads num_train_timesteps, beta_start, beta_end, beta_schedule, trained_betas and
    // rescale_betas_zero_snr and builds betas / alphas / alphas_cumprod in float32 as diffusers does.
    void readTrainingSchedule(ConfigReader& config, const char* defaultSchedule = "linear",
                              ZeroTerminalSnr zeroSnr = ZeroTerminalSnr::NotAParameter);
    // Lin et al. (2023), Algorithm 1, in float32: sqrt(alphas_cumprod) shifted so the last is 0
    // and scaled so the first is unchanged, turned back into betas.
    static at::Tensor rescaleZeroTerminalSnr(const at::Tensor& betas);
    Status checkStep(int stepIndex, const at::Tensor& modelOutput, const at::Tensor& sample) const;
    // BadInput unless 1 <= n <= num_train_timesteps (and n >= minimum).
    Status checkStepCount(const char* name, int n, int minimum = 1) const;
    // Zero terminal SNR leaves nothing of the sample at the last timestep: an epsilon prediction
    // cannot be turned into x0 there (diffusers returns infinities).
    static Status zeroSnrEpsilonError(std::int64_t t);
    double alphaCumprod(std::int64_t t) const {
        return m_alphasCumprodValues.at(static_cast<std::size_t>(t));
    }
    // Sigma-parameterised schedulers: sigma -> (alpha_t, sigma_t) of the VP process.
    static void alphaSigma(double sigma, double& alphaT, double& sigmaT);
    // diffusers' spacing of n timesteps for DDIM, DDPM, PNDM and Euler, largest first:
    //   linspace  np.linspace(0, T - 1, n)                  (not rounded here)
    //   leading   np.arange(0, n) * (T // n) + steps_offset
    //   trailing  np.round(np.arange(T, 0, -T / n)) - 1
    // numpy's float arange gives n + 1 values for some n (61, 103, ... for T = 1000), the last
    // of them -1; diffusers keeps it, and so does this.
    std::vector<double> spacedTimesteps(const std::string& spacing, int n,
                                        std::int64_t stepsOffset) const;
    // The DPM-Solver / UniPC spacing over the training timesteps 0..last-1, largest first:
    //   linspace  np.linspace(0, last - 1, n + 1).round()[:-1]   (the final 0 dropped)
    //   leading   np.arange(0, n + 1) * (last // (n + 1)) + steps_offset, the final one dropped
    //   trailing  np.round(np.arange(last, 0, -T / n)) - 1
    std::vector<double> solverSpacedTimesteps(const std::string& spacing, int n,
                                              std::int64_t stepsOffset, std::int64_t last) const;
    // For schedulers that look alphas_cumprod up by timestep: BadInput when a timestep falls
    // outside 0..T-1 (diffusers raises IndexError there, or reads the last entry for -1, which
    // ruins the picture), naming the nearest step counts that work.
    Status checkTimestepsInRange(const char* name, const std::string& spacing, int n,
                                 std::int64_t stepsOffset, const std::vector<double>& timesteps) const;
    // sqrt((1 - alphas_cumprod) / alphas_cumprod), computed in float32 as diffusers does.
    std::vector<double> trainingSigmas() const;
    // np.log of those sigmas, in float32 as numpy computes the log of a float32 array.
    static std::vector<float> logSigmas(const std::vector<double>& sigmas);
    // Karras et al. (2022) rho = 7 spacing between the largest and smallest of sigmas.
    static std::vector<double> karrasSigmas(const std::vector<double>& descending, int n);
    // The fractional training timestep of a sigma, interpolating float32 log-sigmas (ascending)
    // as diffusers' _sigma_to_t.
    static double sigmaToTimestep(double sigma, const std::vector<float>& logSigmas);
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
