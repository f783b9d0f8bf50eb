#include "engine/ml/schedulers/DdpmScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <cmath>

namespace limner::engine::ml {

Status DdpmScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<DdpmScheduler>();
    s->readTrainingSchedule(config, "linear", ZeroTerminalSnr::AlphaZero);
    s->m_predictionType =
        config.choice("prediction_type", "epsilon", {"epsilon", "sample", "v_prediction"});
    s->m_varianceType = config.choice(
        "variance_type", "fixed_small",
        {"fixed_small", "fixed_small_log", "fixed_large", "fixed_large_log", "learned_range"});
    s->m_spacing = config.choice("timestep_spacing", "leading", {"leading", "trailing", "linspace"});
    s->m_stepsOffset = config.integer("steps_offset", 0);
    s->m_clipSample = config.boolean("clip_sample", true);
    s->m_clipSampleRange = config.number("clip_sample_range", 1.0);
    config.expect("thresholding", false);
    if (!config.status())
        return config.status();
    out = std::move(s);
    return Status::ok();
}

Status DdpmScheduler::setTimesteps(int n) {
    if (Status s = checkStepCount("DDPM", n); !s)
        return s;
    std::vector<double> t = spacedTimesteps(m_spacing, n, m_stepsOffset);
    for (double& v : t)
        v = std::nearbyint(v);
    if (Status s = checkTimestepsInRange("DDPM", m_spacing, n, m_stepsOffset, t); !s)
        return s;
    m_numInferenceSteps = n;
    m_timestepValues = t;
    m_timesteps = at::tensor(m_timestepValues, at::kDouble).to(at::kLong);
    return Status::ok();
}

bool DdpmScheduler::drawsNoise(int stepIndex) const {
    return stepIndex >= 0 && stepIndex < int(m_timestepValues.size()) &&
           m_timestepValues[stepIndex] > 0;
}

Status DdpmScheduler::step(const at::Tensor& modelOutputIn, int i, const at::Tensor& sample,
                           const at::Tensor& noise, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutputIn, sample); !s)
        return s;
    at::Tensor modelOutput = modelOutputIn;
    at::Tensor predictedVariance;
    if (m_varianceType == "learned_range") {
        if (modelOutputIn.size(1) != 2 * sample.size(1))
            return Status::badInput(
                "variance_type learned_range needs a model output with twice the sample's "
                "channels");
        const auto parts = modelOutputIn.split(sample.size(1), 1);
        modelOutput = parts[0];
        predictedVariance = parts[1];
    }
    const auto t = static_cast<std::int64_t>(m_timestepValues[i]);
    const auto prevT = t - m_numTrainTimesteps / m_numInferenceSteps;
    const double aT = alphaCumprod(t);
    const double aPrev = prevT >= 0 ? alphaCumprod(prevT) : 1.0;
    const double bT = 1 - aT, bPrev = 1 - aPrev;
    const double currentAlpha = aT / aPrev, currentBeta = 1 - currentAlpha;
    if (aT == 0 && m_predictionType == "epsilon")
        return zeroSnrEpsilonError(t);
    at::Tensor x0;
    if (m_predictionType == "epsilon")
        x0 = (sample - std::sqrt(bT) * modelOutput) / std::sqrt(aT);
    else if (m_predictionType == "sample")
        x0 = modelOutput;
    else
        x0 = std::sqrt(aT) * sample - std::sqrt(bT) * modelOutput;
    if (m_clipSample)
        x0 = x0.clamp(-m_clipSampleRange, m_clipSampleRange);
    at::Tensor prev =
        (std::sqrt(aPrev) * currentBeta / bT) * x0 + (std::sqrt(currentAlpha) * bPrev / bT) * sample;
    if (t > 0) {
        if (!noise.defined())
            return Status::internal("DDPM step needs noise");
        const double variance = std::max(bPrev / bT * currentBeta, 1e-20);
        if (m_varianceType == "fixed_small") {
            prev = prev + std::sqrt(variance) * noise;
        } else if (m_varianceType == "fixed_small_log") {
            prev = prev + std::exp(0.5 * std::log(variance)) * noise;
        } else if (m_varianceType == "fixed_large") {
            prev = prev + std::sqrt(currentBeta) * noise;
        } else if (m_varianceType == "fixed_large_log") {
            prev = prev + std::sqrt(std::log(currentBeta)) * noise;
        } else {
            const at::Tensor frac = (predictedVariance + 1) / 2;
            const at::Tensor logVariance =
                frac * std::log(currentBeta) + (1 - frac) * std::log(variance);
            prev = prev + at::exp(0.5 * logVariance) * noise;
        }
    }
    out = {prev, x0};
    return Status::ok();
}

} // namespace limner::engine::ml
