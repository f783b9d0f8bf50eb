#include "engine/ml/schedulers/EulerDiscreteScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <cmath>

namespace limner::engine::ml {

void EulerDiscreteScheduler::readEulerConfig(ConfigReader& config, bool discrete) {
    readTrainingSchedule(config, "linear", ZeroTerminalSnr::AlphaTiny);
    m_predictionType = config.choice("prediction_type", "epsilon", {"epsilon", "v_prediction"});
    m_spacing = config.choice("timestep_spacing", "linspace", {"leading", "trailing", "linspace"});
    m_stepsOffset = config.integer("steps_offset", 0);
    if (discrete) {
        // EulerDiscreteScheduler's options (the ancestral sampler has none of them).
        m_karras = config.boolean("use_karras_sigmas", false);
        config.choice("interpolation_type", "linear", {"linear"});
        config.choice("timestep_type", "discrete", {"discrete"});
        config.expect("sigma_min", nullptr);
        config.expect("sigma_max", nullptr);
        config.expect("use_exponential_sigmas", false);
        config.expect("use_beta_sigmas", false);
        // diffusers >= 0.28; "zero" is what 0.25 always did.
        m_finalSigmaMin =
            config.choice("final_sigmas_type", "zero", {"zero", "sigma_min"}) == "sigma_min";
    }
}

Status EulerDiscreteScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<EulerDiscreteScheduler>();
    s->readEulerConfig(config, true);
    if (!config.status())
        return config.status();
    out = std::move(s);
    return Status::ok();
}

Status EulerDiscreteScheduler::setTimesteps(int n) {
    if (Status s = checkStepCount("Euler", n); !s)
        return s;
    m_numInferenceSteps = n;
    // float32 timesteps: linspace values cast, leading/trailing integers (trailing ends at -1 for
    // some n, as in diffusers; its sigma is that of timestep 0).
    std::vector<double> t;
    for (double v : spacedTimesteps(m_spacing, n, m_stepsOffset))
        t.push_back(double(static_cast<float>(v)));
    const std::vector<double> base = trainingSigmas();
    std::vector<double> sigmas;
    for (double v : t)
        sigmas.push_back(interpolate(v, base));
    if (m_karras) {
        const std::vector<float> logs = logSigmas(base);
        sigmas = karrasSigmas(sigmas, n);
        t.clear();
        for (double s : sigmas)
            t.push_back(sigmaToTimestep(s, logs));
    }
    sigmas.push_back(m_finalSigmaMin ? base.front() : 0.0);
    m_sigmas = at::tensor(sigmas, at::kDouble).to(at::kFloat);
    m_sigmaValues.clear();
    for (double s : sigmas)
        m_sigmaValues.push_back(double(float(s)));
    m_timesteps = at::tensor(t, at::kDouble).to(at::kFloat);
    m_timestepValues.clear();
    for (double v : t)
        m_timestepValues.push_back(double(float(v)));
    return Status::ok();
}

double EulerDiscreteScheduler::initNoiseSigma() const {
    const double maxSigma =
        m_sigmaValues.empty() ? 1.0 : *std::max_element(m_sigmaValues.begin(), m_sigmaValues.end());
    if (m_spacing == "linspace" || m_spacing == "trailing")
        return maxSigma;
    return double(float(std::sqrt(maxSigma * maxSigma + 1)));
}

at::Tensor EulerDiscreteScheduler::scaleModelInput(const at::Tensor& sample, int i) const {
    const double sigma = m_sigmaValues.at(static_cast<std::size_t>(i));
    return sample / std::sqrt(sigma * sigma + 1);
}

at::Tensor EulerDiscreteScheduler::predictOriginal(const at::Tensor& modelOutput,
                                                   const at::Tensor& sample, double sigma) const {
    if (m_predictionType == "epsilon")
        return sample - sigma * modelOutput;
    return modelOutput * (-sigma / std::sqrt(sigma * sigma + 1)) + sample / (sigma * sigma + 1);
}

Status EulerDiscreteScheduler::step(const at::Tensor& modelOutput, int i, const at::Tensor& sample,
                                    const at::Tensor&, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutput, sample); !s)
        return s;
    // s_churn = 0: gamma = 0, sigma_hat = sigma, and the drawn noise does not enter.
    const double sigma = m_sigmaValues[i];
    const at::Tensor x0 = predictOriginal(modelOutput, sample, sigma);
    const at::Tensor derivative = (sample - x0) / sigma;
    const double dt = m_sigmaValues[i + 1] - sigma;
    out = {sample + derivative * dt, x0};
    return Status::ok();
}

at::Tensor EulerDiscreteScheduler::addNoise(const at::Tensor& original, const at::Tensor& noise,
                                            const at::Tensor& timesteps) const {
    const at::Tensor t = timesteps.to(at::kDouble).flatten().cpu();
    std::vector<double> sigmas;
    for (std::int64_t b = 0; b < t.numel(); ++b) {
        // The schedule index of the timestep; the second match when it occurs twice, as diffusers.
        std::vector<std::size_t> matches;
        for (std::size_t k = 0; k < m_timestepValues.size(); ++k) {
            if (float(m_timestepValues[k]) == float(t[b].item<double>()))
                matches.push_back(k);
        }
        const std::size_t index = matches.empty() ? 0 : matches[matches.size() > 1 ? 1 : 0];
        sigmas.push_back(m_sigmaValues.empty() ? 0.0 : m_sigmaValues[index]);
    }
    const at::Tensor sigma =
        at::tensor(sigmas, at::kDouble).to(original.scalar_type()).to(original.device());
    return original + noise * broadcastRows(sigma, original);
}

} // namespace limner::engine::ml
