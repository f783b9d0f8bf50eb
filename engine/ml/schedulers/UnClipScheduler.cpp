#include "engine/ml/schedulers/UnClipScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <cmath>

namespace limner::engine::ml {

Status UnClipScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<UnClipScheduler>();
    config.choice("beta_schedule", "squaredcos_cap_v2", {"squaredcos_cap_v2"});
    s->readTrainingSchedule(config, "squaredcos_cap_v2");
    s->m_varianceType =
        config.choice("variance_type", "fixed_small_log", {"fixed_small_log", "learned_range"});
    s->m_predictionType = config.choice("prediction_type", "epsilon", {"epsilon", "sample"});
    s->m_clipSample = config.boolean("clip_sample", true);
    s->m_clipSampleRange = config.number("clip_sample_range", 1.0);
    if (!config.status())
        return config.status();
    out = std::move(s);
    return Status::ok();
}

Status UnClipScheduler::setTimesteps(int n) {
    // step_ratio = (T - 1) / (n - 1): one step divides by zero in diffusers.
    if (Status s = checkStepCount("UnCLIP", n, 2); !s)
        return s;
    m_numInferenceSteps = n;
    const double ratio = double(m_numTrainTimesteps - 1) / (n - 1);
    m_timestepValues.clear();
    for (int i = n - 1; i >= 0; --i)
        m_timestepValues.push_back(std::nearbyint(i * ratio));
    m_timesteps = at::tensor(m_timestepValues, at::kDouble).to(at::kLong);
    return Status::ok();
}

bool UnClipScheduler::drawsNoise(int i) const {
    return i >= 0 && i < int(m_timestepValues.size()) && m_timestepValues[i] > 0;
}

Status UnClipScheduler::step(const at::Tensor& modelOutputIn, int i, const at::Tensor& sample,
                             const at::Tensor& noise, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutputIn, sample); !s)
        return s;
    at::Tensor modelOutput = modelOutputIn;
    at::Tensor predictedVariance;
    if (m_varianceType == "learned_range" && modelOutputIn.size(1) == 2 * sample.size(1)) {
        const auto parts = modelOutputIn.split(sample.size(1), 1);
        modelOutput = parts[0];
        predictedVariance = parts[1];
    }
    const auto t = static_cast<std::int64_t>(m_timestepValues[i]);
    const auto prevT = i + 1 < int(m_timestepValues.size())
                           ? static_cast<std::int64_t>(m_timestepValues[i + 1])
                           : t - 1;
    // float32 scalars on purpose: near t = T the coefficients come from 1 - (1 - tiny), and
    // diffusers computes them in float32; double precision would differ by up to 1e-4.
    const float aT = float(alphaCumprod(t));
    const float aPrev = prevT >= 0 ? float(alphaCumprod(prevT)) : 1.0f;
    const float bT = 1.0f - aT, bPrev = 1.0f - aPrev;
    const bool adjacent = prevT == t - 1;
    const float beta = adjacent ? float(m_betasValues[static_cast<std::size_t>(t)]) : 1.0f - aT / aPrev;
    const float alpha = adjacent ? float(m_alphas[t].item<float>()) : 1.0f - beta;
    at::Tensor x0 = m_predictionType == "epsilon"
                        ? (sample - std::sqrt(bT) * modelOutput) / std::sqrt(aT)
                        : modelOutput;
    if (m_clipSample)
        x0 = x0.clamp(-m_clipSampleRange, m_clipSampleRange);
    const float x0Coeff = std::sqrt(aPrev) * beta / bT;
    const float sampleCoeff = std::sqrt(alpha) * bPrev / bT;
    at::Tensor prev = x0Coeff * x0 + sampleCoeff * sample;
    if (t > 0) {
        if (!noise.defined())
            return Status::internal("UnCLIP step needs noise");
        const float variance = bPrev / bT * beta;
        if (m_varianceType == "fixed_small_log" || !predictedVariance.defined()) {
            prev = prev + std::exp(0.5f * std::log(std::max(variance, 1e-20f))) * noise;
        } else {
            const at::Tensor frac = (predictedVariance + 1) / 2;
            const at::Tensor logVariance = frac * std::log(beta) + (1 - frac) * std::log(variance);
            prev = prev + at::exp(0.5 * logVariance) * noise;
        }
    }
    out = {prev, x0};
    return Status::ok();
}

} // namespace limner::engine::ml
