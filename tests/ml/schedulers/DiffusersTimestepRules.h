#pragma once

// diffusers' set_timesteps rules (0.25.1; trailing/leading/linspace unchanged on main), restated
// for the tests with numpy's arithmetic from NumpyReference.h. Each rule gives the timesteps
// diffusers makes for num_train_timesteps T, num_inference_steps n and steps_offset, or says
// that Limner refuses the request and why (where diffusers raises, or would index its
// alphas_cumprod outside 0..T-1 while stepping).

#include "tests/ml/schedulers/NumpyReference.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace limner::tests::diffusersrules {

struct Expected {
    bool refused = false;
    std::string why;
    std::vector<double> timesteps; // in order; float32 values for the Euler family
};

inline double f32(double v) {
    return double(static_cast<float>(v));
}

// DDIM and DDPM (integer timesteps, descending).
//   linspace: np.linspace(0, T-1, n).round()[::-1].astype(int64)
//   leading:  (np.arange(0, n) * (T // n)).round()[::-1] + steps_offset
//   trailing: np.round(np.arange(T, 0, -T / n)).astype(int64) - 1
inline std::vector<double> ddimTimesteps(const std::string& spacing, std::int64_t T, std::int64_t n,
                                         std::int64_t offset) {
    using namespace numpyref;
    std::vector<double> t;
    if (spacing == "linspace") {
        for (double v : reversed(linspace(0, double(T - 1), n)))
            t.push_back(roundHalfEven(v));
    } else if (spacing == "leading") {
        for (double v : reversed(integerMultiples(n, T / n)))
            t.push_back(v + double(offset));
    } else {
        for (double v : arange(double(T), 0, -(double(T) / double(n))))
            t.push_back(std::trunc(roundHalfEven(v)) - 1);
    }
    return t;
}

// A scheduler that looks alphas_cumprod up by timestep cannot step outside 0..T-1: diffusers
// raises IndexError past the end and, for -1, silently takes the last entry.
inline Expected checkedIndices(std::vector<double> t, std::int64_t T) {
    Expected e;
    for (double v : t) {
        if (v < 0 || v > double(T - 1)) {
            e.refused = true;
            e.why =
                "timestep " + std::to_string(std::int64_t(v)) + " outside 0.." + std::to_string(T - 1);
        }
    }
    e.timesteps = std::move(t);
    return e;
}

inline Expected ddim(const std::string& spacing, std::int64_t T, std::int64_t n, std::int64_t offset) {
    if (n < 1 || n > T)
        return {true, "diffusers raises for num_inference_steps > num_train_timesteps", {}};
    return checkedIndices(ddimTimesteps(spacing, T, n, offset), T);
}

// PNDM with skip_prk_steps: the ascending _timesteps (the DDIM values reversed; no check of n),
// then plms = concat(ts[:-1], ts[-2:-1], ts[-1:])[::-1].
inline Expected pndm(const std::string& spacing, std::int64_t T, std::int64_t n, std::int64_t offset) {
    if (n < 1 || n > T)
        return {true, "more steps than training timesteps", {}};
    const std::vector<double> ts = numpyref::reversed(ddimTimesteps(spacing, T, n, offset));
    std::vector<double> plms(ts.begin(), ts.end() - 1);
    if (ts.size() >= 2)
        plms.push_back(ts[ts.size() - 2]);
    plms.push_back(ts.back());
    return checkedIndices(numpyref::reversed(plms), T);
}

// Euler and Euler ancestral (float32 timesteps, descending).
//   linspace: np.linspace(0, T-1, n, dtype=float32)[::-1]   (float64 values cast to float32)
//   leading:  (np.arange(0, n) * (T // n)).round()[::-1].astype(float32) + steps_offset
//   trailing: np.arange(T, 0, -T / n).round().astype(float32) - 1
inline Expected euler(const std::string& spacing, std::int64_t T, std::int64_t n, std::int64_t offset) {
    using namespace numpyref;
    if (n < 1 || n > T)
        return {true, "more steps than training timesteps", {}};
    Expected e;
    if (spacing == "linspace") {
        for (double v : reversed(linspace(0, double(T - 1), n)))
            e.timesteps.push_back(f32(v));
    } else if (spacing == "leading") {
        for (double v : reversed(integerMultiples(n, T / n)))
            e.timesteps.push_back(f32(f32(v) + double(offset)));
    } else {
        for (double v : arange(double(T), 0, -(double(T) / double(n))))
            e.timesteps.push_back(f32(f32(roundHalfEven(v)) - 1));
    }
    return e;
}

// DPM-Solver multistep and UniPC (lambda_min_clipped -inf, so last_timestep = T):
//   linspace: np.linspace(0, T-1, n+1).round()[::-1][:-1].astype(int64)
//   leading:  (np.arange(0, n+1) * (T // (n+1))).round()[::-1][:-1] + steps_offset
//   trailing: np.arange(T, 0, -T / n).round().astype(int64) - 1
// Leading with T // (n+1) == 0 makes every timestep equal, and the solver divides by zero.
inline Expected multistep(const std::string& spacing, std::int64_t T, std::int64_t n,
                          std::int64_t offset) {
    using namespace numpyref;
    if (n < 1 || n > T)
        return {true, "more steps than training timesteps", {}};
    Expected e;
    if (spacing == "linspace") {
        std::vector<double> all = reversed(linspace(0, double(T - 1), n + 1));
        all.pop_back();
        for (double v : all)
            e.timesteps.push_back(roundHalfEven(v));
    } else if (spacing == "leading") {
        if (T / (n + 1) == 0)
            return {true, "leading spacing with a step ratio of 0", {}};
        std::vector<double> all = reversed(integerMultiples(n + 1, T / (n + 1)));
        all.pop_back();
        for (double v : all)
            e.timesteps.push_back(v + double(offset));
    } else {
        for (double v : arange(double(T), 0, -(double(T) / double(n))))
            e.timesteps.push_back(std::trunc(roundHalfEven(v)) - 1);
    }
    return e;
}

// UnCLIP: step_ratio = (T-1) / (n-1); (np.arange(0, n) * step_ratio).round()[::-1] (n = 1
// divides by zero in diffusers).
inline Expected unclip(std::int64_t T, std::int64_t n) {
    using namespace numpyref;
    if (n < 2 || n > T)
        return {true, "UnCLIP needs at least 2 steps", {}};
    Expected e;
    const double ratio = double(T - 1) / double(n - 1);
    for (std::int64_t i = n - 1; i >= 0; --i) {
        const volatile double product = double(i) * ratio;
        e.timesteps.push_back(roundHalfEven(product));
    }
    return e;
}

// ---- sigmas ----

// ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5 in float32, as torch computes it.
inline std::vector<double> trainingSigmas(const std::vector<float>& alphasCumprod) {
    std::vector<double> out;
    for (float a : alphasCumprod) {
        const float ratio = (1.0f - a) / a;
        out.push_back(double(std::sqrt(ratio)));
    }
    return out;
}

// Karras et al. rho = 7 between sigma_max and sigma_min (float64, as _convert_to_karras):
// ramp = np.linspace(0, 1, n); (max_inv_rho + ramp * (min_inv_rho - max_inv_rho)) ** 7.
inline std::vector<double> karras(double sigmaMin, double sigmaMax, std::int64_t n) {
    const double rho = 7.0;
    const double minInv = std::pow(sigmaMin, 1 / rho), maxInv = std::pow(sigmaMax, 1 / rho);
    std::vector<double> out;
    for (double ramp : numpyref::linspace(0, 1, n))
        out.push_back(std::pow(maxInv + ramp * (minInv - maxInv), rho));
    return out;
}

// _sigma_to_t with log_sigmas = np.log(float32 sigmas) (float32): the index of the last
// log-sigma not above log(sigma), kept below the end, and a linear weight between it and the
// next, (low - log_sigma) / (low - high) with low - high taken in float32.
inline double sigmaToT(double sigma, const std::vector<float>& logSigmas) {
    const double logSigma = std::log(std::max(sigma, 1e-10));
    const auto notAbove = std::upper_bound(logSigmas.begin(), logSigmas.end(), logSigma,
                                           [](double v, float l) { return v < double(l); }) -
                          logSigmas.begin();
    const std::int64_t low =
        std::clamp<std::int64_t>(notAbove - 1, 0, std::int64_t(logSigmas.size()) - 2);
    const float lo = logSigmas[std::size_t(low)], hi = logSigmas[std::size_t(low + 1)];
    const float span = lo - hi;
    const double w = std::clamp((double(lo) - logSigma) / double(span), 0.0, 1.0);
    return (1 - w) * double(low) + w * double(low + 1);
}

inline std::vector<float> logOf(const std::vector<double>& sigmas) {
    std::vector<float> out;
    for (double s : sigmas)
        out.push_back(std::log(static_cast<float>(s)));
    return out;
}

} // namespace limner::tests::diffusersrules
