#include "engine/ml/schedulers/Scheduler.h"

#include "engine/ml/config/ConfigReader.h"
#include "engine/ml/schedulers/NumpyArithmetic.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>
#include <optional>

namespace limner::engine::ml {

namespace {

std::vector<double> valuesOf(const at::Tensor& t) {
    const at::Tensor d = t.to(at::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

} // namespace

void Scheduler::readTrainingSchedule(ConfigReader& config, const char* defaultSchedule,
                                     ZeroTerminalSnr zeroSnr) {
    m_numTrainTimesteps = config.integer("num_train_timesteps", 1000);
    if (m_numTrainTimesteps < 2 || m_numTrainTimesteps > 100000) {
        config.fail("num_train_timesteps",
                    "is " + std::to_string(m_numTrainTimesteps) + ", not in 2..100000");
        m_numTrainTimesteps = 1000;
    }
    const double betaStart = config.number("beta_start", 0.0001);
    const double betaEnd = config.number("beta_end", 0.02);
    const std::string schedule = config.choice("beta_schedule", defaultSchedule,
                                               {"linear", "scaled_linear", "squaredcos_cap_v2"});
    config.expect("trained_betas", nullptr);
    const bool rescale =
        zeroSnr != ZeroTerminalSnr::NotAParameter && config.boolean("rescale_betas_zero_snr", false);
    const auto n = m_numTrainTimesteps;
    if (schedule == "linear") {
        m_betas = at::linspace(betaStart, betaEnd, n, at::kFloat);
    } else if (schedule == "scaled_linear") {
        m_betas = at::linspace(std::sqrt(betaStart), std::sqrt(betaEnd), n, at::kFloat).pow(2);
    } else {
        // Nichol & Dhariwal's cosine schedule, computed in double and stored as float32.
        std::vector<double> betas;
        const auto alphaBar = [](double t) {
            return std::pow(std::cos((t + 0.008) / 1.008 * M_PI / 2), 2);
        };
        for (std::int64_t i = 0; i < n; ++i) {
            const double t1 = double(i) / n, t2 = double(i + 1) / n;
            betas.push_back(std::min(1 - alphaBar(t2) / alphaBar(t1), 0.999));
        }
        m_betas = at::tensor(betas, at::kDouble).to(at::kFloat);
    }
    if (rescale)
        m_betas = rescaleZeroTerminalSnr(m_betas);
    m_alphas = 1.0 - m_betas;
    m_alphasCumprod = at::cumprod(m_alphas, 0);
    // Close to 0 but not 0, so that the first sigma is finite (diffusers: fp16's smallest
    // subnormal).
    if (rescale && zeroSnr == ZeroTerminalSnr::AlphaTiny)
        m_alphasCumprod[n - 1] = std::ldexp(1.0, -24);
    m_betasValues = valuesOf(m_betas);
    m_alphasCumprodValues = valuesOf(m_alphasCumprod);
}

at::Tensor Scheduler::rescaleZeroTerminalSnr(const at::Tensor& betas) {
    at::Tensor alphasBarSqrt = at::cumprod(1.0 - betas, 0).sqrt();
    const at::Tensor first = alphasBarSqrt[0].clone();
    const at::Tensor last = alphasBarSqrt[-1].clone();
    alphasBarSqrt = (alphasBarSqrt - last) * (first / (first - last));
    const at::Tensor alphasBar = alphasBarSqrt.pow(2);
    const at::Tensor alphas =
        at::cat({alphasBar.slice(0, 0, 1), alphasBar.slice(0, 1) / alphasBar.slice(0, 0, -1)});
    return 1.0 - alphas;
}

Status Scheduler::checkStep(int stepIndex, const at::Tensor& modelOutput,
                            const at::Tensor& sample) const {
    if (m_numInferenceSteps == 0)
        return Status::internal("scheduler step before setTimesteps()");
    if (stepIndex < 0 || stepIndex >= m_timesteps.size(0))
        return Status::badInput("scheduler step " + std::to_string(stepIndex) + " is outside the " +
                                std::to_string(m_timesteps.size(0)) + " steps");
    if (!modelOutput.defined() || !sample.defined() || modelOutput.dim() != sample.dim() ||
        modelOutput.size(0) != sample.size(0))
        return Status::badInput("scheduler step: model output and sample shapes do not match");
    return Status::ok();
}

Status Scheduler::checkStepCount(const char* name, int n, int minimum) const {
    if (n < minimum || n > m_numTrainTimesteps)
        return Status::badInput(std::string(name) + " needs " + std::to_string(minimum) + ".." +
                                std::to_string(m_numTrainTimesteps) + " steps, not " +
                                std::to_string(n));
    return Status::ok();
}

Status Scheduler::zeroSnrEpsilonError(std::int64_t t) {
    return Status::badInput(
        "timestep " + std::to_string(t) +
        " has alphas_cumprod 0 (rescale_betas_zero_snr), where an epsilon prediction cannot be "
        "turned into an image; zero-SNR models predict v (prediction_type v_prediction)");
}

void Scheduler::alphaSigma(double sigma, double& alphaT, double& sigmaT) {
    alphaT = 1.0 / std::sqrt(sigma * sigma + 1.0);
    sigmaT = sigma * alphaT;
}

std::vector<double> Scheduler::spacedTimesteps(const std::string& spacing, int n,
                                               std::int64_t stepsOffset) const {
    const auto T = m_numTrainTimesteps;
    std::vector<double> t;
    if (spacing == "linspace") {
        t = NumpyArithmetic::linspace(0, double(T - 1), n);
    } else if (spacing == "leading") {
        for (std::int64_t i = 0; i < n; ++i)
            t.push_back(double(i * (T / n) + stepsOffset));
    } else { // trailing, largest first already
        for (double v : NumpyArithmetic::arange(double(T), 0, -(double(T) / n)))
            t.push_back(NumpyArithmetic::round(v) - 1);
        return t;
    }
    std::reverse(t.begin(), t.end());
    return t;
}

std::vector<double> Scheduler::solverSpacedTimesteps(const std::string& spacing, int n,
                                                     std::int64_t stepsOffset,
                                                     std::int64_t last) const {
    std::vector<double> t;
    if (spacing == "linspace") {
        for (double v : NumpyArithmetic::linspace(0, double(last - 1), n + 1))
            t.push_back(NumpyArithmetic::round(v));
    } else if (spacing == "leading") {
        const std::int64_t ratio = last / (n + 1);
        for (std::int64_t i = 0; i <= n; ++i)
            t.push_back(double(i * ratio + stepsOffset));
    } else { // trailing
        for (double v : NumpyArithmetic::arange(double(last), 0, -(double(m_numTrainTimesteps) / n)))
            t.push_back(NumpyArithmetic::round(v) - 1);
        return t;
    }
    std::reverse(t.begin(), t.end());
    t.pop_back(); // the smallest (0, or steps_offset)
    return t;
}

Status Scheduler::checkTimestepsInRange(const char* name, const std::string& spacing, int n,
                                        std::int64_t stepsOffset,
                                        const std::vector<double>& timesteps) const {
    const auto T = m_numTrainTimesteps;
    const auto outside = [T](const std::vector<double>& t) -> std::optional<double> {
        for (double v : t) {
            if (v < 0 || v > double(T - 1))
                return v;
        }
        return std::nullopt;
    };
    const std::optional<double> bad = outside(timesteps);
    if (!bad)
        return Status::ok();
    const auto works = [&](int m) {
        return m >= 1 && m <= T && !outside(spacedTimesteps(spacing, m, stepsOffset));
    };
    std::string choices;
    for (int d = 1; d < T && choices.empty(); ++d) {
        for (int m : {n - d, n + d}) {
            if (works(m))
                choices += (choices.empty() ? "" : " or ") + std::to_string(m);
        }
    }
    return Status::badInput(
        std::string(name) + " with timestep_spacing \"" + spacing + "\", steps_offset " +
        std::to_string(stepsOffset) + " and " + std::to_string(n) + " steps reaches timestep " +
        std::to_string(static_cast<std::int64_t>(*bad)) +
        (*bad < 0 ? " (numpy.arange adds a step there)" : "") + ", outside the model's timesteps 0.." +
        std::to_string(T - 1) + (choices.empty() ? std::string() : "; choose " + choices + " steps"));
}

std::vector<double> Scheduler::trainingSigmas() const {
    return valuesOf(((1 - m_alphasCumprod) / m_alphasCumprod).pow(0.5));
}

std::vector<float> Scheduler::logSigmas(const std::vector<double>& sigmas) {
    std::vector<float> out;
    out.reserve(sigmas.size());
    for (double s : sigmas)
        out.push_back(std::log(static_cast<float>(s)));
    return out;
}

std::vector<double> Scheduler::karrasSigmas(const std::vector<double>& descending, int n) {
    const double rho = 7.0;
    const double minInvRho = std::pow(descending.back(), 1 / rho);
    const double maxInvRho = std::pow(descending.front(), 1 / rho);
    std::vector<double> out;
    for (int i = 0; i < n; ++i) {
        const double ramp = n > 1 ? (i == n - 1 ? 1.0 : i * (1.0 / (n - 1))) : 0.0;
        out.push_back(std::pow(maxInvRho + ramp * (minInvRho - maxInvRho), rho));
    }
    return out;
}

double Scheduler::sigmaToTimestep(double sigma, const std::vector<float>& logSigmas) {
    const double logSigma = std::log(std::max(sigma, 1e-10));
    // Index of the last log-sigma not above log(sigma), kept one short of the end.
    const auto notAbove = std::upper_bound(logSigmas.begin(), logSigmas.end(), logSigma,
                                           [](double v, float l) { return v < double(l); }) -
                          logSigmas.begin();
    const std::int64_t low =
        std::clamp<std::int64_t>(notAbove - 1, 0, static_cast<std::int64_t>(logSigmas.size()) - 2);
    const float lo = logSigmas[static_cast<std::size_t>(low)],
                hi = logSigmas[static_cast<std::size_t>(low + 1)];
    const float span = lo - hi; // float32, as numpy subtracts two float32 scalars
    const double w = std::clamp((double(lo) - logSigma) / double(span), 0.0, 1.0);
    return (1 - w) * double(low) + w * double(low + 1);
}

double Scheduler::interpolate(double x, const std::vector<double>& fp) {
    if (x <= 0)
        return fp.front();
    const double last = double(fp.size() - 1);
    if (x >= last)
        return fp.back();
    const auto j = static_cast<std::size_t>(std::floor(x));
    const double slope = fp[j + 1] - fp[j];
    return slope * (x - double(j)) + fp[j];
}

at::Tensor Scheduler::broadcastRows(const at::Tensor& perRow, const at::Tensor& like) {
    std::vector<std::int64_t> shape(static_cast<std::size_t>(like.dim()), 1);
    shape[0] = perRow.numel();
    return perRow.reshape(shape);
}

at::Tensor Scheduler::addNoiseBySigma(const at::Tensor& original, const at::Tensor& noise,
                                      const at::Tensor& timesteps) const {
    const at::Tensor t = timesteps.to(at::kDouble).flatten().cpu();
    std::vector<double> alphas, sigmas;
    for (std::int64_t b = 0; b < t.numel(); ++b) {
        // The schedule index of the timestep: the second match when it repeats, the last step
        // when it is not in the schedule, as diffusers' index_for_timestep.
        std::vector<std::size_t> matches;
        for (std::size_t k = 0; k < m_timestepValues.size(); ++k) {
            if (m_timestepValues[k] == t[b].item<double>())
                matches.push_back(k);
        }
        const std::size_t index =
            matches.empty() ? m_timestepValues.size() - 1 : matches[matches.size() > 1 ? 1 : 0];
        double alpha = 0, sigma = 0;
        alphaSigma(m_sigmaValues.at(index), alpha, sigma);
        alphas.push_back(alpha);
        sigmas.push_back(sigma);
    }
    const auto options = original.options();
    return broadcastRows(at::tensor(alphas, at::kDouble).to(options), original) * original +
           broadcastRows(at::tensor(sigmas, at::kDouble).to(options), original) * noise;
}

at::Tensor Scheduler::scaleModelInput(const at::Tensor& sample, int) const {
    return sample;
}

at::Tensor Scheduler::addNoise(const at::Tensor& original, const at::Tensor& noise,
                               const at::Tensor& timesteps) const {
    const at::Tensor ac = m_alphasCumprod.to(original.device()).to(original.scalar_type());
    const at::Tensor index = timesteps.to(at::kLong).to(original.device()).flatten();
    const at::Tensor a = ac.index_select(0, index);
    return broadcastRows(a.sqrt(), original) * original +
           broadcastRows((1 - a).sqrt(), original) * noise;
}

} // namespace limner::engine::ml
