// scheduler_config.json files as the Hub's model folders carry them (the texts below are copies of
// real files, sources named) all load, and the keys that change sampling take effect.

#include "engine/ml/config/JsonFile.h"
#include "engine/ml/schedulers/SchedulerFactory.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <cmath>

using limner::engine::Status;
using namespace limner::engine::ml;

namespace {

struct HubConfig {
    const char* source;
    const char* text;
};

// Byte copies of real scheduler_config.json files (diffusers writes Python's -Infinity as is).
const HubConfig kConfigs[] = {
    {"runwayml/stable-diffusion-inpainting (diffusers 0.6.0.dev0)", R"({
  "_class_name": "DDIMScheduler",
  "_diffusers_version": "0.6.0.dev0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "num_train_timesteps": 1000,
  "set_alpha_to_one": false,
  "steps_offset": 1,
  "trained_betas": null
})"},
    {"stabilityai/stable-diffusion-2-1 DDIM (diffusers 0.8.0)", R"({
  "_class_name": "DDIMScheduler",
  "_diffusers_version": "0.8.0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "num_train_timesteps": 1000,
  "prediction_type": "v_prediction",
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "trained_betas": null
})"},
    {"stabilityai/stable-diffusion-2-1-base PNDM (diffusers 0.10.0.dev0)", R"({
  "_class_name": "PNDMScheduler",
  "_diffusers_version": "0.10.0.dev0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "trained_betas": null
})"},
    {"an SD 1.5 fine-tune's PNDM (diffusers 0.21.2)", R"({
  "_class_name": "PNDMScheduler",
  "_diffusers_version": "0.21.2",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "timestep_spacing": "leading",
  "trained_betas": null
})"},
    {"an SDXL fine-tune's Euler (diffusers 0.22.0.dev0)", R"({
  "_class_name": "EulerDiscreteScheduler",
  "_diffusers_version": "0.22.0.dev0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "interpolation_type": "linear",
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "sample_max_value": 1.0,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "timestep_spacing": "leading",
  "trained_betas": null,
  "use_karras_sigmas": false
})"},
    {"an SDXL fine-tune's Euler ancestral (diffusers 0.24.0.dev0)", R"({
  "_class_name": "EulerAncestralDiscreteScheduler",
  "_diffusers_version": "0.24.0.dev0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "interpolation_type": "linear",
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "sample_max_value": 1.0,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "timestep_spacing": "linspace",
  "trained_betas": null
})"},
    {"kandinsky-community/kandinsky-2-2-decoder(-inpaint) DDPM as diffusers 0.25.1 saves it", R"({
  "_class_name": "DDPMScheduler",
  "_diffusers_version": "0.25.1",
  "beta_end": 0.012,
  "beta_schedule": "linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "clip_sample_range": 1.0,
  "dynamic_thresholding_ratio": 0.995,
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "rescale_betas_zero_snr": false,
  "sample_max_value": 1.0,
  "set_alpha_to_one": false,
  "steps_offset": 1,
  "thresholding": false,
  "timestep_spacing": "leading",
  "trained_betas": null,
  "variance_type": "fixed_small"
})"},
    {"kandinsky-community/kandinsky-2-2-prior UnCLIP (diffusers 0.17.0.dev0)", R"({
  "_class_name": "UnCLIPScheduler",
  "_diffusers_version": "0.17.0.dev0",
  "clip_sample": true,
  "clip_sample_range": 10.0,
  "num_train_timesteps": 1000,
  "prediction_type": "sample",
  "variance_type": "fixed_small_log"
})"},
    {"DPM-Solver++ as diffusers 0.25.1 saves it (SD)", R"({
  "_class_name": "DPMSolverMultistepScheduler",
  "_diffusers_version": "0.25.1",
  "algorithm_type": "dpmsolver++",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "dynamic_thresholding_ratio": 0.995,
  "euler_at_final": false,
  "lambda_min_clipped": -Infinity,
  "lower_order_final": true,
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "sample_max_value": 1.0,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "solver_order": 2,
  "solver_type": "midpoint",
  "steps_offset": 1,
  "thresholding": false,
  "timestep_spacing": "linspace",
  "trained_betas": null,
  "use_karras_sigmas": true,
  "use_lu_lambdas": false,
  "variance_type": null
})"},
    {"UniPC as diffusers 0.25.1 saves it (SD)", R"({
  "_class_name": "UniPCMultistepScheduler",
  "_diffusers_version": "0.25.1",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "disable_corrector": [],
  "dynamic_thresholding_ratio": 0.995,
  "lower_order_final": true,
  "num_train_timesteps": 1000,
  "predict_x0": true,
  "prediction_type": "epsilon",
  "sample_max_value": 1.0,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "solver_order": 2,
  "solver_p": null,
  "solver_type": "bh2",
  "steps_offset": 1,
  "thresholding": false,
  "timestep_spacing": "linspace",
  "trained_betas": null,
  "use_karras_sigmas": false
})"},
};

std::unique_ptr<Scheduler> load(const char* source, const std::string& text) {
    nlohmann::json json;
    REQUIRE(JsonFile::parse(text, source, json));
    std::unique_ptr<Scheduler> scheduler;
    const Status s = SchedulerFactory::create(json, source, scheduler);
    INFO(source << ": " << s.message());
    REQUIRE(s);
    return scheduler;
}

} // namespace

TEST_CASE("Scheduler configs copied from Hub model folders load and make a 25-step schedule",
          "[ml][schedulers][config]") {
    for (const HubConfig& c : kConfigs) {
        INFO(c.source);
        auto scheduler = load(c.source, c.text);
        REQUIRE(scheduler->setTimesteps(25));
        CHECK(scheduler->timesteps().size(0) >= 25);
    }
}

TEST_CASE("A zero-terminal-SNR DDIM config with trailing spacing loads and starts at t = 999",
          "[ml][schedulers][config]") {
    // The DDIM settings EchoMimicV2's published checkpoints use (and diffusers' documentation
    // recommends for zero-SNR models): v-prediction, zero terminal SNR, trailing spacing.
    auto echo = load("EchoMimicV2 DDIM", R"({
  "_class_name": "DDIMScheduler",
  "beta_start": 0.00085,
  "beta_end": 0.012,
  "beta_schedule": "linear",
  "clip_sample": false,
  "steps_offset": 1,
  "prediction_type": "v_prediction",
  "rescale_betas_zero_snr": true,
  "timestep_spacing": "trailing"
})");
    REQUIRE(echo->setTimesteps(30));
    CHECK(echo->timesteps()[0].item<std::int64_t>() == 999);
    CHECK(echo->timesteps()[-1].item<std::int64_t>() == 32);
    CHECK(echo->alphasCumprod()[-1].item<double>() == 0.0);

    // SD 2.1's DDIM switched to zero SNR with from_config(..., rescale_betas_zero_snr=True,
    // timestep_spacing="trailing") and saved by diffusers 0.25.1.
    auto sd = load("SD 2.1 DDIM, zero SNR", R"({
  "_class_name": "DDIMScheduler",
  "_diffusers_version": "0.25.1",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "clip_sample": false,
  "clip_sample_range": 1.0,
  "dynamic_thresholding_ratio": 0.995,
  "num_train_timesteps": 1000,
  "prediction_type": "v_prediction",
  "rescale_betas_zero_snr": true,
  "sample_max_value": 1.0,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "thresholding": false,
  "timestep_spacing": "trailing",
  "trained_betas": null
})");
    REQUIRE(sd->setTimesteps(4));
    CHECK(at::equal(sd->timesteps(), at::tensor({999, 749, 499, 249}, at::kLong)));
}

TEST_CASE("Multistep configs saved by newer diffusers load, and final_sigmas_type zero ends the "
          "schedule at sigma 0",
          "[ml][schedulers][config]") {
    // The keys diffusers 0.35 writes for UniPC and DPM-Solver++ (Wan2.2's scheduler_config.json
    // has the same key set), with Stable Diffusion's values.
    const char* unipc = R"({
  "_class_name": "UniPCMultistepScheduler",
  "_diffusers_version": "0.35.0.dev0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "disable_corrector": [],
  "dynamic_thresholding_ratio": 0.995,
  "final_sigmas_type": "zero",
  "flow_shift": 1.0,
  "lower_order_final": true,
  "num_train_timesteps": 1000,
  "predict_x0": true,
  "prediction_type": "epsilon",
  "rescale_betas_zero_snr": false,
  "sample_max_value": 1.0,
  "solver_order": 2,
  "solver_p": null,
  "solver_type": "bh2",
  "steps_offset": 1,
  "thresholding": false,
  "time_shift_type": "exponential",
  "timestep_spacing": "linspace",
  "trained_betas": null,
  "use_beta_sigmas": false,
  "use_dynamic_shifting": false,
  "use_exponential_sigmas": false,
  "use_flow_sigmas": false,
  "use_karras_sigmas": false
})";
    const char* dpm = R"({
  "_class_name": "DPMSolverMultistepScheduler",
  "_diffusers_version": "0.35.0.dev0",
  "algorithm_type": "dpmsolver++",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "dynamic_thresholding_ratio": 0.995,
  "euler_at_final": false,
  "final_sigmas_type": "zero",
  "flow_shift": 1.0,
  "lambda_min_clipped": -Infinity,
  "lower_order_final": true,
  "num_train_timesteps": 1000,
  "prediction_type": "epsilon",
  "rescale_betas_zero_snr": false,
  "sample_max_value": 1.0,
  "solver_order": 2,
  "solver_type": "midpoint",
  "steps_offset": 1,
  "thresholding": false,
  "timestep_spacing": "linspace",
  "trained_betas": null,
  "use_beta_sigmas": false,
  "use_exponential_sigmas": false,
  "use_flow_sigmas": false,
  "use_karras_sigmas": false,
  "use_lu_lambdas": false,
  "variance_type": null
})";
    for (const char* text : {unipc, dpm}) {
        auto scheduler = load("diffusers 0.35 multistep config", text);
        REQUIRE(scheduler->setTimesteps(20));
        CHECK(scheduler->sigmas()[-1].item<double>() == 0.0);
        // The last step lands on the model's clean prediction: x0 of an exact epsilon model.
        const at::Tensor x0 = at::full({1, 4, 2, 2}, 0.25);
        const at::Tensor eps = at::randn({1, 4, 2, 2});
        at::Tensor x = x0 + scheduler->sigmas()[0].item<double>() * eps;
        x = x / std::sqrt(1 + std::pow(scheduler->sigmas()[0].item<double>(), 2));
        for (int i = 0; i < scheduler->timesteps().size(0); ++i) {
            SchedulerStep out;
            REQUIRE(scheduler->step(eps, i, x, at::Tensor(), out));
            x = out.prevSample;
        }
        CHECK(at::allclose(x, x0, 1e-4, 1e-4));
    }
}

TEST_CASE("Config values Limner does not implement are refused with the key named",
          "[ml][schedulers][config]") {
    const std::pair<const char*, const char*> refused[] = {
        {R"({"_class_name": "EulerDiscreteScheduler", "use_exponential_sigmas": true})",
         "use_exponential_sigmas"},
        {R"({"_class_name": "UniPCMultistepScheduler", "use_flow_sigmas": true})", "use_flow_sigmas"},
        {R"({"_class_name": "DPMSolverMultistepScheduler", "use_beta_sigmas": true})",
         "use_beta_sigmas"},
        {R"({"_class_name": "UniPCMultistepScheduler", "use_dynamic_shifting": true})",
         "use_dynamic_shifting"},
        {R"({"_class_name": "DDIMScheduler", "trained_betas": [0.1, 0.2]})", "trained_betas"},
    };
    for (const auto& [text, key] : refused) {
        INFO(text);
        std::unique_ptr<Scheduler> scheduler;
        const Status s = SchedulerFactory::create(nlohmann::json::parse(text), "x", scheduler);
        CHECK(s.code() == Status::Code::ModelFormat);
        CHECK_THAT(s.message(), Catch::Contains(key));
    }
}
