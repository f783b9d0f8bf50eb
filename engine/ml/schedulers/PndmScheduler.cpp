#include "engine/ml/schedulers/PndmScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>

namespace limner::engine::ml {

Status PndmScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<PndmScheduler>();
    s->readTrainingSchedule(config);
    s->m_predictionType = config.choice("prediction_type", "epsilon", {"epsilon", "v_prediction"});
    s->m_spacing = config.choice("timestep_spacing", "leading", {"leading", "trailing", "linspace"});
    s->m_stepsOffset = config.integer("steps_offset", 0);
    // The Runge-Kutta warm-up (skip_prk_steps false) is not used by any pipeline Limner runs.
    config.expect("skip_prk_steps", true);
    if (!config.has("skip_prk_steps"))
        config.fail("skip_prk_steps",
                    "is missing (defaults to false, the PRK warm-up, which Limner does not implement)");
    const bool setAlphaToOne = config.boolean("set_alpha_to_one", false);
    if (!config.status())
        return config.status();
    s->m_finalAlphaCumprod = setAlphaToOne ? 1.0 : s->alphaCumprod(0);
    out = std::move(s);
    return Status::ok();
}

Status PndmScheduler::setTimesteps(int n) {
    if (Status s = checkStepCount("PNDM", n); !s)
        return s;
    std::vector<double> ascending = spacedTimesteps(m_spacing, n, m_stepsOffset);
    for (double& v : ascending)
        v = std::nearbyint(v);
    if (Status s = checkTimestepsInRange("PNDM", m_spacing, n, m_stepsOffset, ascending); !s)
        return s;
    std::reverse(ascending.begin(), ascending.end());
    // PLMS: concat(ts[:-1], ts[-2:-1], ts[-1:]) reversed, so the second-largest timestep runs
    // twice (the second step completes the first); one step is just the one timestep.
    std::vector<double> plms(ascending.begin(), ascending.end() - 1);
    if (ascending.size() >= 2)
        plms.push_back(ascending[ascending.size() - 2]);
    plms.push_back(ascending.back());
    std::reverse(plms.begin(), plms.end());
    m_numInferenceSteps = n;
    m_timestepValues = plms;
    m_timesteps = at::tensor(m_timestepValues, at::kDouble).to(at::kLong);
    m_ets.clear();
    m_curSample = at::Tensor();
    m_counter = 0;
    return Status::ok();
}

at::Tensor PndmScheduler::previousSample(const at::Tensor& sample, std::int64_t t, std::int64_t prevT,
                                         const at::Tensor& modelOutputIn) const {
    const double aT = alphaCumprod(t);
    const double aPrev = prevT >= 0 ? alphaCumprod(prevT) : m_finalAlphaCumprod;
    const double bT = 1 - aT, bPrev = 1 - aPrev;
    at::Tensor modelOutput = modelOutputIn;
    if (m_predictionType == "v_prediction")
        modelOutput = std::sqrt(aT) * modelOutputIn + std::sqrt(bT) * sample;
    const double sampleCoeff = std::sqrt(aPrev / aT);
    const double denominator = aT * std::sqrt(bPrev) + std::sqrt(aT * bT * aPrev);
    return sampleCoeff * sample - ((aPrev - aT) / denominator) * modelOutput;
}

Status PndmScheduler::step(const at::Tensor& modelOutputIn, int i, const at::Tensor& sampleIn,
                           const at::Tensor&, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutputIn, sampleIn); !s)
        return s;
    if (i != m_counter)
        return Status::internal("PNDM steps must run in order from the first");
    const std::int64_t ratio = m_numTrainTimesteps / m_numInferenceSteps;
    auto t = static_cast<std::int64_t>(m_timestepValues[i]);
    auto prevT = t - ratio;
    if (m_counter != 1) {
        if (m_ets.size() > 3)
            m_ets.erase(m_ets.begin(), m_ets.end() - 3);
        m_ets.push_back(modelOutputIn);
    } else {
        prevT = t;
        t = t + ratio;
    }
    at::Tensor modelOutput = modelOutputIn;
    at::Tensor sample = sampleIn;
    const auto n = m_ets.size();
    if (n == 1 && m_counter == 0) {
        m_curSample = sampleIn;
    } else if (n == 1 && m_counter == 1) {
        modelOutput = (modelOutputIn + m_ets.back()) / 2;
        sample = m_curSample;
        m_curSample = at::Tensor();
    } else if (n == 2) {
        modelOutput = (3 * m_ets[n - 1] - m_ets[n - 2]) / 2;
    } else if (n == 3) {
        modelOutput = (23 * m_ets[n - 1] - 16 * m_ets[n - 2] + 5 * m_ets[n - 3]) / 12;
    } else {
        modelOutput =
            (1.0 / 24) * (55 * m_ets[n - 1] - 59 * m_ets[n - 2] + 37 * m_ets[n - 3] - 9 * m_ets[n - 4]);
    }
    out = {previousSample(sample, t, prevT, modelOutput), at::Tensor()};
    ++m_counter;
    return Status::ok();
}

} // namespace limner::engine::ml
