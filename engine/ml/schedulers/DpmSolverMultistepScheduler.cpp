#include "engine/ml/schedulers/DpmSolverMultistepScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>

namespace limner::engine::ml {

Status DpmSolverMultistepScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<DpmSolverMultistepScheduler>();
    s->readTrainingSchedule(config, "linear", ZeroTerminalSnr::AlphaTiny);
    s->m_predictionType =
        config.choice("prediction_type", "epsilon", {"epsilon", "sample", "v_prediction"});
    s->m_spacing = config.choice("timestep_spacing", "linspace", {"leading", "trailing", "linspace"});
    s->m_stepsOffset = config.integer("steps_offset", 0);
    s->m_solverOrder = static_cast<int>(config.integer("solver_order", 2));
    if (s->m_solverOrder != 1 && s->m_solverOrder != 2)
        config.fail("solver_order",
                    "is " + std::to_string(s->m_solverOrder) + ", Limner implements 1 and 2");
    config.choice("algorithm_type", "dpmsolver++", {"dpmsolver++"});
    s->m_solverType = config.choice("solver_type", "midpoint", {"midpoint", "heun"});
    s->m_karras = config.boolean("use_karras_sigmas", false);
    s->m_lowerOrderFinal = config.boolean("lower_order_final", true);
    s->m_eulerAtFinal = config.boolean("euler_at_final", false);
    s->m_lambdaMinClipped = config.number("lambda_min_clipped", -INFINITY);
    config.expect("thresholding", false);
    config.expect("use_lu_lambdas", false);
    config.expect("variance_type", nullptr);
    // diffusers >= 0.26 (default "zero" there); a config without it is older: "sigma_min".
    s->m_finalSigmaZero =
        config.choice("final_sigmas_type", "sigma_min", {"sigma_min", "zero"}) == "zero";
    config.expect("use_exponential_sigmas", false);
    config.expect("use_beta_sigmas", false);
    config.expect("use_flow_sigmas", false);
    config.expect("use_dynamic_shifting", false);
    if (!config.status())
        return config.status();
    out = std::move(s);
    return Status::ok();
}

Status DpmSolverMultistepScheduler::setTimesteps(int n) {
    if (Status s = checkStepCount("DPM-Solver", n); !s)
        return s;
    const auto T = m_numTrainTimesteps;
    // Timesteps whose log-SNR falls below lambda_min_clipped are cut off (none for -inf).
    std::int64_t clipped = 0;
    for (std::int64_t t = 0; t < T; ++t) {
        const double a = alphaCumprod(t);
        if (std::log(std::sqrt(a)) - std::log(std::sqrt(1 - a)) < m_lambdaMinClipped)
            ++clipped;
    }
    const std::int64_t last = T - clipped;
    if (m_spacing == "leading" && last / (n + 1) == 0)
        return Status::badInput(
            "DPM-Solver with timestep_spacing \"leading\" and " + std::to_string(n) +
            " steps makes every timestep the same; use at most " + std::to_string(last - 1) + " steps");
    std::vector<double> t = solverSpacedTimesteps(m_spacing, n, m_stepsOffset, last);
    const std::vector<double> base = trainingSigmas();
    std::vector<double> sigmas;
    if (m_karras) {
        std::vector<double> descending(base.rbegin(), base.rend());
        const std::vector<float> logs = logSigmas(base);
        sigmas = karrasSigmas(descending, n);
        t.clear();
        for (double s : sigmas)
            t.push_back(std::nearbyint(sigmaToTimestep(s, logs)));
        sigmas.push_back(m_finalSigmaZero ? 0.0 : sigmas.back());
    } else {
        for (double v : t)
            sigmas.push_back(interpolate(v, base));
        sigmas.push_back(m_finalSigmaZero ? 0.0 : base.front());
    }
    // Rounding can repeat a timestep (Karras sigmas, many steps); diffusers keeps the repeats.
    m_timestepValues = t;
    m_timesteps = at::tensor(t, at::kDouble).to(at::kLong);
    m_sigmas = at::tensor(sigmas, at::kDouble).to(at::kFloat);
    m_sigmaValues.clear();
    for (double s : sigmas)
        m_sigmaValues.push_back(double(float(s)));
    m_numInferenceSteps = static_cast<int>(t.size());
    m_modelOutputs.assign(static_cast<std::size_t>(m_solverOrder), at::Tensor());
    m_lowerOrderNums = 0;
    return Status::ok();
}

double DpmSolverMultistepScheduler::lambdaAt(int index) const {
    double alpha = 0, sigma = 0;
    alphaSigma(m_sigmaValues.at(static_cast<std::size_t>(index)), alpha, sigma);
    return std::log(alpha) - std::log(sigma);
}

at::Tensor DpmSolverMultistepScheduler::convertModelOutput(const at::Tensor& modelOutput,
                                                           const at::Tensor& sample, int i) const {
    double alpha = 0, sigma = 0;
    alphaSigma(m_sigmaValues[i], alpha, sigma);
    if (m_predictionType == "epsilon")
        return (sample - sigma * modelOutput) / alpha;
    if (m_predictionType == "sample")
        return modelOutput;
    return alpha * sample - sigma * modelOutput;
}

Status DpmSolverMultistepScheduler::step(const at::Tensor& modelOutput, int i, const at::Tensor& sample,
                                         const at::Tensor&, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutput, sample); !s)
        return s;
    const int steps = static_cast<int>(m_timestepValues.size());
    const bool lowerOrderFinal =
        i == steps - 1 && (m_eulerAtFinal || (m_lowerOrderFinal && steps < 15) || m_finalSigmaZero);
    const at::Tensor x0 = convertModelOutput(modelOutput, sample, i);
    std::rotate(m_modelOutputs.begin(), m_modelOutputs.begin() + 1, m_modelOutputs.end());
    m_modelOutputs.back() = x0;

    double alphaT = 0, sigmaT = 0, alphaS0 = 0, sigmaS0 = 0;
    alphaSigma(m_sigmaValues[i + 1], alphaT, sigmaT);
    alphaSigma(m_sigmaValues[i], alphaS0, sigmaS0);
    const double h = lambdaAt(i + 1) - lambdaAt(i);
    const double phi = std::exp(-h) - 1.0;
    at::Tensor prev;
    if (m_solverOrder == 1 || m_lowerOrderNums < 1 || lowerOrderFinal) {
        prev = (sigmaT / sigmaS0) * sample - (alphaT * phi) * x0;
    } else {
        const at::Tensor& m0 = m_modelOutputs[m_modelOutputs.size() - 1];
        const at::Tensor& m1 = m_modelOutputs[m_modelOutputs.size() - 2];
        const double h0 = lambdaAt(i) - lambdaAt(i - 1);
        const double r0 = h0 / h;
        const at::Tensor d1 = (1.0 / r0) * (m0 - m1);
        if (m_solverType == "midpoint")
            prev = (sigmaT / sigmaS0) * sample - (alphaT * phi) * m0 - 0.5 * (alphaT * phi) * d1;
        else
            prev = (sigmaT / sigmaS0) * sample - (alphaT * phi) * m0 + (alphaT * (phi / h + 1.0)) * d1;
    }
    if (m_lowerOrderNums < m_solverOrder)
        ++m_lowerOrderNums;
    out = {prev, at::Tensor()};
    return Status::ok();
}

} // namespace limner::engine::ml
