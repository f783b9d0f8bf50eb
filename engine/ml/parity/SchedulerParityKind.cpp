#include "engine/ml/config/JsonFile.h"
#include "engine/ml/parity/ParityFixture.h"
#include "engine/ml/parity/ParityOptions.h"
#include "engine/ml/parity/ParityRegistry.h"
#include "engine/ml/parity/ParityResult.h"
#include "engine/ml/schedulers/DdimScheduler.h"
#include "engine/ml/schedulers/SchedulerFactory.h"

#include <ATen/ATen.h>

namespace limner::engine::ml {

namespace {

// One sampling loop per entry of the manifest's num_inference_steps, replayed with the stored
// model outputs and noise (README "Scheduler fixtures"). Everything runs in float32 on the
// requested device; comparisons happen on the CPU.
Status runSchedulerLoop(const ParityFixture& fixture, const ParityOptions& options, int n,
                        const nlohmann::json& config, ParityResult& result) {
    const std::string suffix = "_n" + std::to_string(n);
    std::unique_ptr<Scheduler> scheduler;
    if (Status s = SchedulerFactory::create(config, fixture.path("scheduler_config.json"), scheduler);
        !s)
        return s;
    if (auto* ddim = dynamic_cast<DdimScheduler*>(scheduler.get()))
        ddim->setEta(
            fixture.manifest().value("step_kwargs", nlohmann::json::object()).value("eta", 0.0));
    if (Status s = scheduler->setTimesteps(n); !s)
        return s;

    const auto device = options.device;
    const auto f32 = [&](const at::Tensor& t) {
        return t.to(device, at::kFloat);
    };
    at::Tensor initialNoise, modelOutputs, stepNoise;
    for (const auto& [name, target] : {std::pair{std::string("initial_noise"), &initialNoise},
                                       std::pair{"model_outputs" + suffix, &modelOutputs},
                                       std::pair{"step_noise" + suffix, &stepNoise}}) {
        if (Status s = fixture.input(name, *target); !s)
            return s;
        *target = f32(*target);
    }
    const auto expect = [&](const std::string& name, const at::Tensor& got) -> Status {
        if (!fixture.hasOutput(name))
            return Status::ok();
        at::Tensor expected;
        if (Status s = fixture.output(name, expected); !s)
            return s;
        result.compare(name, got, expected, fixture.atol(), fixture.rtol(),
                       fixture.isExactOutput(name));
        return Status::ok();
    };

    const at::Tensor& timesteps = scheduler->timesteps();
    const std::int64_t steps = timesteps.size(0);
    if (modelOutputs.size(0) < steps)
        return Status::badInput("fixture " + fixture.name() + ": model_outputs" + suffix + " has " +
                                std::to_string(modelOutputs.size(0)) + " rows for " +
                                std::to_string(steps) + " steps");
    Status s = expect("timesteps" + suffix, timesteps);
    if (s && scheduler->sigmas().defined())
        s = expect("sigmas" + suffix, scheduler->sigmas());
    if (s)
        s = expect("init_noise_sigma" + suffix,
                   at::scalar_tensor(scheduler->initNoiseSigma(), at::kDouble));
    if (s)
        s = expect("alphas_cumprod" + suffix, scheduler->alphasCumprod());
    if (!s)
        return s;

    at::Tensor x = initialNoise * scheduler->initNoiseSigma();
    if (Status e = expect("sample_init" + suffix, x); !e)
        return e;
    std::vector<at::Tensor> scaled, samples, predicted;
    std::vector<std::int64_t> noiseUsed;
    for (std::int64_t i = 0; i < steps; ++i) {
        const int step = static_cast<int>(i);
        scaled.push_back(scheduler->scaleModelInput(x, step));
        const bool draws = scheduler->drawsNoise(step);
        noiseUsed.push_back(draws ? 1 : 0);
        SchedulerStep out;
        if (Status e =
                scheduler->step(modelOutputs[i], step, x, draws ? stepNoise[i] : at::Tensor(), out);
            !e)
            return e;
        x = out.prevSample;
        samples.push_back(x);
        predicted.push_back(out.predOriginalSample.defined() ? out.predOriginalSample
                                                             : at::zeros_like(x));
    }
    s = expect("scaled_model_inputs" + suffix, at::stack(scaled));
    if (s)
        s = expect("samples" + suffix, at::stack(samples));
    if (s && fixture.hasOutput("pred_original_samples" + suffix))
        s = expect("pred_original_samples" + suffix, at::stack(predicted));
    if (s)
        s = expect("noise_used" + suffix, at::tensor(noiseUsed, at::kLong));
    if (!s)
        return s;

    // add_noise runs at timesteps the fixture picked from the schedule: they must be among ours.
    at::Tensor addTimesteps, original, noise;
    if (Status e = fixture.output("add_noise_timesteps" + suffix, addTimesteps); !e)
        return e;
    const at::Tensor schedule = timesteps.to(at::kDouble);
    for (std::int64_t b = 0; b < addTimesteps.numel(); ++b) {
        const double t = addTimesteps.flatten()[b].item<double>();
        if (!schedule.eq(t).any().item<bool>())
            result.fail("add_noise_timesteps" + suffix + ": " + std::to_string(t) +
                        " is not in the schedule");
    }
    result.compare("add_noise_timesteps" + suffix, addTimesteps, addTimesteps, 0, 0, true);
    if (Status e = fixture.input("add_noise_original", original); !e)
        return e;
    if (Status e = fixture.input("add_noise_noise", noise); !e)
        return e;
    return expect("add_noise_result" + suffix,
                  scheduler->addNoise(f32(original), f32(noise), addTimesteps));
}

Status runScheduler(const ParityFixture& fixture, const ParityOptions& options, ParityResult& result) {
    nlohmann::json config;
    if (Status s = JsonFile::read(fixture.path("scheduler_config.json"), config); !s)
        return s;
    const auto steps = fixture.manifest().find("num_inference_steps");
    if (steps == fixture.manifest().end() || !steps->is_array() || steps->empty())
        return Status::badInput("fixture " + fixture.name() +
                                ": manifest has no num_inference_steps list");
    for (const auto& n : *steps) {
        if (!n.is_number_integer())
            return Status::badInput("fixture " + fixture.name() + ": num_inference_steps holds " +
                                    n.dump());
        if (Status s = runSchedulerLoop(fixture, options, n.get<int>(), config, result); !s)
            return s;
    }
    return Status::ok();
}

} // namespace

void registerSchedulerParityKind(ParityRegistry& registry) {
    registry.add("scheduler", runScheduler);
}

} // namespace limner::engine::ml
