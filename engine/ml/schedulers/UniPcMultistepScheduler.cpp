#include "engine/ml/schedulers/UniPcMultistepScheduler.h"

#include "engine/ml/config/ConfigReader.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>

namespace limner::engine::ml {

namespace {

// Gaussian elimination with partial pivoting; the systems here are at most 3 x 3.
std::vector<double> solve(std::vector<std::vector<double>> a, std::vector<double> b) {
    const std::size_t n = b.size();
    for (std::size_t c = 0; c < n; ++c) {
        std::size_t pivot = c;
        for (std::size_t r = c + 1; r < n; ++r) {
            if (std::abs(a[r][c]) > std::abs(a[pivot][c]))
                pivot = r;
        }
        std::swap(a[c], a[pivot]);
        std::swap(b[c], b[pivot]);
        for (std::size_t r = c + 1; r < n; ++r) {
            const double f = a[r][c] / a[c][c];
            for (std::size_t k = c; k < n; ++k)
                a[r][k] -= f * a[c][k];
            b[r] -= f * b[c];
        }
    }
    std::vector<double> x(n);
    for (std::size_t r = n; r-- > 0;) {
        double s = b[r];
        for (std::size_t k = r + 1; k < n; ++k)
            s -= a[r][k] * x[k];
        x[r] = s / a[r][r];
    }
    return x;
}

} // namespace

Status UniPcMultistepScheduler::create(ConfigReader& config, std::unique_ptr<Scheduler>& out) {
    auto s = std::make_unique<UniPcMultistepScheduler>();
    s->readTrainingSchedule(config, "linear", ZeroTerminalSnr::AlphaTiny);
    s->m_predictionType =
        config.choice("prediction_type", "epsilon", {"epsilon", "sample", "v_prediction"});
    s->m_spacing = config.choice("timestep_spacing", "linspace", {"leading", "trailing", "linspace"});
    s->m_stepsOffset = config.integer("steps_offset", 0);
    s->m_solverOrder = static_cast<int>(config.integer("solver_order", 2));
    if (s->m_solverOrder < 1 || s->m_solverOrder > 3)
        config.fail("solver_order",
                    "is " + std::to_string(s->m_solverOrder) + ", Limner implements 1 to 3");
    s->m_solverType = config.choice("solver_type", "bh2", {"bh1", "bh2"});
    s->m_karras = config.boolean("use_karras_sigmas", false);
    s->m_lowerOrderFinal = config.boolean("lower_order_final", true);
    s->m_disableCorrector = config.integers("disable_corrector", {});
    config.expect("predict_x0", true);
    config.expect("solver_p", nullptr);
    config.expect("thresholding", false);
    // diffusers >= 0.28 (default "zero" there); a config without it is older: "sigma_min".
    s->m_finalSigmaZero =
        config.choice("final_sigmas_type", "sigma_min", {"sigma_min", "zero"}) == "zero";
    config.expect("use_exponential_sigmas", false);
    config.expect("use_beta_sigmas", false);
    config.expect("use_flow_sigmas", false);
    config.expect("use_dynamic_shifting", false);
    config.expect("sigma_min", nullptr);
    config.expect("sigma_max", nullptr);
    if (!config.status())
        return config.status();
    out = std::move(s);
    return Status::ok();
}

Status UniPcMultistepScheduler::setTimesteps(int n) {
    if (Status s = checkStepCount("UniPC", n); !s)
        return s;
    const auto T = m_numTrainTimesteps;
    if (m_spacing == "leading" && T / (n + 1) == 0)
        return Status::badInput("UniPC with timestep_spacing \"leading\" and " + std::to_string(n) +
                                " steps makes every timestep the same; use at most " +
                                std::to_string(T - 1) + " steps");
    std::vector<double> t = solverSpacedTimesteps(m_spacing, n, m_stepsOffset, T);
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
    m_lastSample = at::Tensor();
    m_lowerOrderNums = 0;
    m_thisOrder = 1;
    return Status::ok();
}

double UniPcMultistepScheduler::lambdaAt(int index) const {
    double alpha = 0, sigma = 0;
    alphaSigma(m_sigmaValues.at(static_cast<std::size_t>(index)), alpha, sigma);
    return std::log(alpha) - std::log(sigma);
}

void UniPcMultistepScheduler::coefficients(double h, int order, const std::vector<double>& rks,
                                           std::vector<std::vector<double>>& R, std::vector<double>& b,
                                           double& hPhi1, double& bH) const {
    const double hh = -h; // data prediction
    hPhi1 = std::expm1(hh);
    double hPhiK = hPhi1 / hh - 1;
    double factorial = 1;
    bH = m_solverType == "bh1" ? hh : std::expm1(hh);
    R.clear();
    b.clear();
    for (int i = 1; i <= order; ++i) {
        std::vector<double> row;
        for (double r : rks)
            row.push_back(std::pow(r, i - 1));
        R.push_back(row);
        b.push_back(hPhiK * factorial / bH);
        factorial *= (i + 1);
        hPhiK = hPhiK / hh - 1 / factorial;
    }
}

at::Tensor UniPcMultistepScheduler::predictor(const at::Tensor& x, int order, int i) const {
    const at::Tensor& m0 = m_modelOutputs.back();
    double alphaT = 0, sigmaT = 0, alphaS0 = 0, sigmaS0 = 0;
    alphaSigma(m_sigmaValues[i + 1], alphaT, sigmaT);
    alphaSigma(m_sigmaValues[i], alphaS0, sigmaS0);
    const double h = lambdaAt(i + 1) - lambdaAt(i);
    std::vector<double> rks;
    std::vector<at::Tensor> d1s;
    for (int k = 1; k < order; ++k) {
        const double rk = (lambdaAt(i - k) - lambdaAt(i)) / h;
        rks.push_back(rk);
        d1s.push_back((m_modelOutputs[m_modelOutputs.size() - 1 - k] - m0) / rk);
    }
    rks.push_back(1.0);
    std::vector<std::vector<double>> R;
    std::vector<double> b;
    double hPhi1 = 0, bH = 0;
    coefficients(h, order, rks, R, b, hPhi1, bH);
    at::Tensor xt = (sigmaT / sigmaS0) * x - (alphaT * hPhi1) * m0;
    if (!d1s.empty()) {
        std::vector<double> rhos;
        if (order == 2) {
            rhos = {0.5};
        } else {
            std::vector<std::vector<double>> r(R.begin(), R.end() - 1);
            for (auto& row : r)
                row.pop_back();
            rhos = solve(r, std::vector<double>(b.begin(), b.end() - 1));
        }
        at::Tensor res = rhos[0] * d1s[0];
        for (std::size_t k = 1; k < d1s.size(); ++k)
            res = res + rhos[k] * d1s[k];
        xt = xt - (alphaT * bH) * res;
    }
    return xt;
}

at::Tensor UniPcMultistepScheduler::corrector(const at::Tensor& modelT, const at::Tensor& x,
                                              const at::Tensor&, int order, int i) const {
    const at::Tensor& m0 = m_modelOutputs.back();
    double alphaT = 0, sigmaT = 0, alphaS0 = 0, sigmaS0 = 0;
    alphaSigma(m_sigmaValues[i], alphaT, sigmaT);
    alphaSigma(m_sigmaValues[i - 1], alphaS0, sigmaS0);
    const double h = lambdaAt(i) - lambdaAt(i - 1);
    std::vector<double> rks;
    std::vector<at::Tensor> d1s;
    for (int k = 1; k < order; ++k) {
        const double rk = (lambdaAt(i - (k + 1)) - lambdaAt(i - 1)) / h;
        rks.push_back(rk);
        d1s.push_back((m_modelOutputs[m_modelOutputs.size() - 1 - k] - m0) / rk);
    }
    rks.push_back(1.0);
    std::vector<std::vector<double>> R;
    std::vector<double> b;
    double hPhi1 = 0, bH = 0;
    coefficients(h, order, rks, R, b, hPhi1, bH);
    const std::vector<double> rhos = order == 1 ? std::vector<double>{0.5} : solve(R, b);
    at::Tensor xt = (sigmaT / sigmaS0) * x - (alphaT * hPhi1) * m0;
    at::Tensor res = rhos.back() * (modelT - m0);
    for (std::size_t k = 0; k < d1s.size(); ++k)
        res = res + rhos[k] * d1s[k];
    return xt - (alphaT * bH) * res;
}

Status UniPcMultistepScheduler::step(const at::Tensor& modelOutput, int i, const at::Tensor& sampleIn,
                                     const at::Tensor&, SchedulerStep& out) {
    if (Status s = checkStep(i, modelOutput, sampleIn); !s)
        return s;
    const bool useCorrector = i > 0 && m_lastSample.defined() &&
                              std::find(m_disableCorrector.begin(), m_disableCorrector.end(), i - 1) ==
                                  m_disableCorrector.end();
    double alpha = 0, sigma = 0;
    alphaSigma(m_sigmaValues[i], alpha, sigma);
    at::Tensor converted;
    if (m_predictionType == "epsilon")
        converted = (sampleIn - sigma * modelOutput) / alpha;
    else if (m_predictionType == "sample")
        converted = modelOutput;
    else
        converted = alpha * sampleIn - sigma * modelOutput;
    at::Tensor sample = sampleIn;
    if (useCorrector)
        sample = corrector(converted, m_lastSample, sampleIn, m_thisOrder, i);
    std::rotate(m_modelOutputs.begin(), m_modelOutputs.begin() + 1, m_modelOutputs.end());
    m_modelOutputs.back() = converted;
    const int steps = static_cast<int>(m_timestepValues.size());
    m_thisOrder = m_lowerOrderFinal ? std::min(m_solverOrder, steps - i) : m_solverOrder;
    m_thisOrder = std::min(m_thisOrder, m_lowerOrderNums + 1);
    m_lastSample = sample;
    const at::Tensor prev = predictor(sample, m_thisOrder, i);
    if (m_lowerOrderNums < m_solverOrder)
        ++m_lowerOrderNums;
    out = {prev, at::Tensor()};
    return Status::ok();
}

} // namespace limner::engine::ml
