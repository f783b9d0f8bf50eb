// rescale_betas_zero_snr (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are
// Flawed", Algorithm 1) as diffusers applies it, checked against the formula written out here.

#include "engine/ml/schedulers/SchedulerFactory.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <cmath>

using limner::engine::Status;
using namespace limner::engine::ml;

namespace {

nlohmann::json sdConfig(const std::string& className, bool rescale) {
    return {{"_class_name", className},    {"beta_schedule", "scaled_linear"},
            {"beta_start", 0.00085},       {"beta_end", 0.012},
            {"num_train_timesteps", 1000}, {"prediction_type", "v_prediction"},
            {"clip_sample", false},        {"timestep_spacing", "trailing"},
            {"skip_prk_steps", true},      {"rescale_betas_zero_snr", rescale}};
}

std::unique_ptr<Scheduler> make(const nlohmann::json& config) {
    std::unique_ptr<Scheduler> scheduler;
    const Status s = SchedulerFactory::create(config, "test scheduler_config.json", scheduler);
    INFO(s.message());
    REQUIRE(s);
    return scheduler;
}

std::vector<double> valuesOf(const at::Tensor& t) {
    const at::Tensor d = t.to(at::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

// Algorithm 1 on alphas_cumprod: sqrt, shift so the last is 0, scale so the first keeps its value,
// square. (diffusers goes back to betas and takes the cumulative product again, which gives these
// values up to float32 rounding.)
std::vector<double> rescaledAlphasCumprod(const std::vector<double>& alphasCumprod) {
    const double first = std::sqrt(alphasCumprod.front()), last = std::sqrt(alphasCumprod.back());
    std::vector<double> out;
    for (double a : alphasCumprod) {
        const double shifted = (std::sqrt(a) - last) * first / (first - last);
        out.push_back(shifted * shifted);
    }
    return out;
}

} // namespace

TEST_CASE("rescale_betas_zero_snr gives DDIM and DDPM a terminal alphas_cumprod of exactly 0 and "
          "keeps the first",
          "[ml][schedulers]") {
    for (const char* name : {"DDIMScheduler", "DDPMScheduler"}) {
        INFO(name);
        const std::vector<double> plain = valuesOf(make(sdConfig(name, false))->alphasCumprod());
        const std::vector<double> rescaled = valuesOf(make(sdConfig(name, true))->alphasCumprod());
        const std::vector<double> want = rescaledAlphasCumprod(plain);
        REQUIRE(rescaled.size() == 1000);
        CHECK(rescaled.back() == 0.0);
        CHECK(plain.back() > 0.004); // the schedule the rescaling changes: SNR 0.0047 at t = 999
        CHECK(rescaled.front() == Approx(plain.front()).epsilon(1e-6));
        double worst = 0;
        for (std::size_t i = 0; i < want.size(); ++i)
            worst = std::max(worst, std::abs(rescaled[i] - want[i]) / std::max(want[i], 1e-3));
        CHECK(worst < 1e-4);
        // Strictly decreasing to 0: no timestep collapses onto its neighbour.
        for (std::size_t i = 1; i < rescaled.size(); ++i)
            REQUIRE(rescaled[i] < rescaled[i - 1]);
    }
}

TEST_CASE("rescale_betas_zero_snr sets the terminal alphas_cumprod of the sigma samplers to 2^-24, "
          "so the first sigma is 4096, not infinite",
          "[ml][schedulers]") {
    for (const char* name : {"EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler",
                             "DPMSolverMultistepScheduler", "UniPCMultistepScheduler"}) {
        INFO(name);
        const std::vector<double> plain = valuesOf(make(sdConfig(name, false))->alphasCumprod());
        auto scheduler = make(sdConfig(name, true));
        const std::vector<double> rescaled = valuesOf(scheduler->alphasCumprod());
        CHECK(rescaled.back() == std::ldexp(1.0, -24));
        const std::vector<double> want = rescaledAlphasCumprod(plain);
        for (std::size_t i = 0; i + 1 < want.size(); ++i) {
            INFO("t = " << i);
            REQUIRE(rescaled[i] == Approx(want[i]).epsilon(1e-4).margin(1e-7));
        }
        REQUIRE(scheduler->setTimesteps(10));
        CHECK(scheduler->timesteps()[0].item<double>() == 999.0);
        const double sigmaMax = std::sqrt((1 - std::ldexp(1.0, -24)) / std::ldexp(1.0, -24));
        CHECK(scheduler->sigmas()[0].item<double>() == Approx(sigmaMax).epsilon(1e-6));
        CHECK(std::isfinite(scheduler->sigmas().max().item<double>()));
    }
}

TEST_CASE("Zero-SNR DDIM with trailing spacing starts at t = 999 and predicts x0 = -v there",
          "[ml][schedulers]") {
    auto scheduler = make(sdConfig("DDIMScheduler", true));
    REQUIRE(scheduler->setTimesteps(25));
    CHECK(scheduler->timesteps()[0].item<std::int64_t>() == 999);
    const at::Tensor sample = at::randn({1, 4, 2, 2});
    const at::Tensor v = at::randn({1, 4, 2, 2});
    SchedulerStep out;
    REQUIRE(scheduler->step(v, 0, sample, at::Tensor(), out));
    // alphas_cumprod = 0 at t = 999: x0 = sqrt(0) x - sqrt(1) v.
    CHECK(at::allclose(out.predOriginalSample, -v));
    CHECK(at::isfinite(out.prevSample).all().item<bool>());
}

TEST_CASE("Zero-SNR DDIM refuses epsilon prediction at the terminal step instead of returning "
          "infinities",
          "[ml][schedulers]") {
    nlohmann::json config = sdConfig("DDIMScheduler", true);
    config["prediction_type"] = "epsilon";
    auto scheduler = make(config);
    REQUIRE(scheduler->setTimesteps(10));
    SchedulerStep out;
    const Status s =
        scheduler->step(at::randn({1, 4, 2, 2}), 0, at::randn({1, 4, 2, 2}), at::Tensor(), out);
    CHECK(s.code() == Status::Code::BadInput);
    CHECK_THAT(s.message(), Catch::Contains("epsilon") && Catch::Contains("v_prediction"));
}

TEST_CASE("PNDM and UnCLIP ignore rescale_betas_zero_snr, which is not one of their parameters in "
          "diffusers",
          "[ml][schedulers]") {
    const std::vector<double> plain = valuesOf(make(sdConfig("PNDMScheduler", false))->alphasCumprod());
    const std::vector<double> withKey =
        valuesOf(make(sdConfig("PNDMScheduler", true))->alphasCumprod());
    CHECK(withKey == plain);
    auto unclip = make({{"_class_name", "UnCLIPScheduler"}, {"rescale_betas_zero_snr", true}});
    CHECK(unclip->alphasCumprod()[-1].item<double>() > 0);
}
