#include "engine/ml/schedulers/DdimScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <cmath>

namespace limner::engine::ml {

Status DdimScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<DdimScheduler>();
    s->readTrainingSchedule(config, "linear", ZeroTerminalSnr::AlphaZero);
    s->m_predictionType =
        config.choice("prediction_type", "epsilon", {"epsilon", "sample", "v_prediction"});
    s->m_spacing = config.choice("timestep_spacing", "leading", {"leading", "trailing", "linspace"});
    s->m_stepsOffset = config.integer("steps_offset", 0);
    s->m_clipSample = config.boolean("clip_sample", true);
    s->m_clipSampleRange = config.number("clip_sample_range", 1.0);
    config.expect("thresholding", false);
    const bool setAlphaToOne = config.boolean("set_alpha_to_one", true);
    if (!config.status())
        return config.status();
    s->m_finalAlphaCumprod = setAlphaToOne ? 1.0 : s->alphaCumprod(0);
    out = std::move(s);
    return Status::ok();
}

Status DdimScheduler::setTimesteps(int n) {
    if (Status s = checkStepCount("DDIM", n); !s)
        return s;
    std::vector<double> t = spacedTimesteps(m_spacing, n, m_stepsOffset);
    for (double& v : t)
        v = std::nearbyint(v);
    if (Status s = checkTimestepsInRange("DDIM", m_spacing, n, m_stepsOffset, t); !s)
        return s;
    m_numInferenceSteps = n;
    m_timestepValues = t;
    m_timesteps = at::tensor(m_timestepValues, at::kDouble).to(at::kLong);
    return Status::ok();
}

Status DdimScheduler::step(const at::Tensor& modelOutput, int i, const at::Tensor& sample,
                           const at::Tensor& noise, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutput, sample); !s)
        return s;
    const auto t = static_cast<std::int64_t>(m_timestepValues[i]);
    const auto prevT = t - m_numTrainTimesteps / m_numInferenceSteps;
    const double aT = alphaCumprod(t);
    const double aPrev = prevT >= 0 ? alphaCumprod(prevT) : m_finalAlphaCumprod;
    const double bT = 1 - aT;
    if (aT == 0 && m_predictionType == "epsilon")
        return zeroSnrEpsilonError(t);
    at::Tensor x0, eps;
    if (m_predictionType == "epsilon") {
        x0 = (sample - std::sqrt(bT) * modelOutput) / std::sqrt(aT);
        eps = modelOutput;
    } else if (m_predictionType == "sample") {
        x0 = modelOutput;
        eps = (sample - std::sqrt(aT) * x0) / std::sqrt(bT);
    } else {
        x0 = std::sqrt(aT) * sample - std::sqrt(bT) * modelOutput;
        eps = std::sqrt(aT) * modelOutput + std::sqrt(bT) * sample;
    }
    if (m_clipSample)
        x0 = x0.clamp(-m_clipSampleRange, m_clipSampleRange);
    const double variance = (1 - aPrev) / bT * (1 - aT / aPrev);
    const double stdDev = m_eta * std::sqrt(variance);
    at::Tensor prev = std::sqrt(aPrev) * x0 + std::sqrt(1 - aPrev - stdDev * stdDev) * eps;
    if (m_eta > 0) {
        if (!noise.defined())
            return Status::internal("DDIM with eta > 0 needs noise");
        prev = prev + stdDev * noise;
    }
    out = {prev, x0};
    return Status::ok();
}

} // namespace limner::engine::ml
