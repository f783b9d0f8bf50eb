#include "engine/service/estimate/JobEstimator.h"

#include "engine/service/estimate/DeviceSpeeds.h"

#include <algorithm>
#include <cstdio>

namespace limner::engine {

namespace {

// FLOP of one UNet step per batch row per megapixel of picture per billion parameters:
// 0.2 FLOP per parameter per latent pixel, 64 picture pixels per latent pixel (factor 8).
constexpr double kFlopsPerUnit = 0.2 * 1e9 * (1e6 / 64.0);
// The share of a plain matrix product's rate that a UNet's convolutions and attention reach:
// SD 1.5's UNet (random weights, float32, 2 CPU cores shared with other work) ran at 0.25 of the
// probe's rate at 32×32 latents and 0.36 at 64×64.
constexpr double kConvolutionEfficiency = 0.3;
// A UNet step below this many FLOP is mostly overhead: its speed says little about a large
// model's, so such jobs update only their own model's figure.
constexpr double kRepresentativeFlops = 1e11;
// unCLIP's default guidance when the picture itself is the reference (no prompt, no image
// prompt): see ModelBackend.
constexpr double kReferenceGuidance = 1.5;

std::uint64_t parametersBytes(std::int64_t parameters, int elementSize) {
    return parameters > 0
               ? static_cast<std::uint64_t>(parameters) * static_cast<std::uint64_t>(elementSize)
               : 0;
}

int batchRows(const JobEstimator::Run& run, int candidates) {
    return candidates * (run.guided ? 2 : 1) * std::max(1, run.regions);
}

double megapixels(const JobEstimator::Run& run) {
    return double(run.width) * double(run.height) / 1e6;
}

// Steps × megapixels × billions of UNet parameters × batch rows: what one unit of speed times.
double work(const ModelCost& model, const JobEstimator::Run& run, int candidates) {
    return double(std::max(1, run.steps)) * megapixels(run) *
           (double(model.description.unetParameters) / 1e9) * double(batchRows(run, candidates));
}

double flopsPerStep(const ModelCost& model, const JobEstimator::Run& run) {
    return kFlopsPerUnit * megapixels(run) * (double(model.description.unetParameters) / 1e9) *
           double(batchRows(run, run.candidates));
}

struct MemoryFit {
    JobEstimate estimate;
    std::uint64_t hostFree = 0; // 0 = unknown
    std::uint64_t deviceFree = 0;
    bool deviceShort = false; // what does not fit: the GPU's memory (else the computer's)
};

// Everything but the time and the advice.
MemoryFit estimateMemory(const ModelCost& model, const JobEstimator::Run& run,
                         const JobEstimator::Machine& machine) {
    const ModelDescription& d = model.description;
    const RunChoice& choice = run.choice;
    const int element = choice.elementSize();
    MemoryFit fit;
    JobEstimate& e = fit.estimate;
    e.applies = true;
    e.device = choice.onGpu() ? "GPU" : "CPU";
    e.dtype = choice.dtype;
    e.width = run.width;
    e.height = run.height;

    std::uint64_t residentHost = 0, residentDevice = 0;
    for (const ResidentModels::Model& m : machine.resident) {
        residentHost += m.hostBytes;
        residentDevice += m.deviceBytes;
    }
    fit.hostFree = machine.available.host > 0 ? machine.available.host + residentHost : 0;
    fit.deviceFree = machine.available.device > 0 ? machine.available.device + residentDevice : 0;
    const std::uint64_t runFree = choice.onGpu() ? fit.deviceFree : fit.hostFree;

    const std::uint64_t tower =
        run.readsImageTower ? parametersBytes(d.imageEncoderParameters, element) : 0;
    const std::uint64_t weights = parametersBytes(d.runParameters - d.imageEncoderParameters, element);
    const auto activations = [&](int candidates) -> std::uint64_t {
        return model.activationBytes
                   ? model.activationBytes(run.height, run.width, candidates, run.guided, choice.dtype)
                   : 0;
    };
    int batch = std::max(1, run.candidates);
    if (batch > 1 && runFree > 0) {
        const std::uint64_t left = runFree > weights ? runFree - weights : 0;
        if (activations(batch) > left / 2)
            batch = 1;
    }
    e.batch = batch;
    e.weightBytes = weights + tower;
    e.modelBytes = weights;
    e.activationBytes = activations(batch);
    // The tower is freed before the decoder runs: the peak holds one of them.
    const std::uint64_t peak = weights + std::max(tower, e.activationBytes);
    if (choice.onGpu()) {
        e.deviceBytes = peak;
        // The largest component passes through the computer's memory while it is read.
        e.hostBytes = parametersBytes(d.largestComponentParameters, element);
    } else {
        e.hostBytes = peak;
    }
    const bool deviceFits = !choice.onGpu() || fit.deviceFree == 0 || e.deviceBytes <= fit.deviceFree;
    const bool hostFits = fit.hostFree == 0 || e.hostBytes <= fit.hostFree;
    e.fits = deviceFits && hostFits;
    fit.deviceShort = !deviceFits;
    return fit;
}

// "choose bfloat16 in Preferences ▸ Models (about 5.0 GiB)" for each other choice that fits.
std::vector<std::string> alternatives(const ModelCost& model, const JobEstimator::Run& run,
                                      const JobEstimator::Machine& machine) {
    struct Option {
        RunChoice choice;
        const char* what;
    };
    std::vector<Option> options;
    const RunChoice& c = run.choice;
    if (c.onGpu()) {
        if (c.dtype == "float32")
            options.push_back({{"cuda", "float16"}, "choose float16 in Preferences ▸ Models"});
        options.push_back({{"cpu", "float32"}, "run it on the CPU (slower; Preferences ▸ Models)"});
    } else if (c.dtype == "float32") {
        options.push_back({{"cpu", "bfloat16"}, "choose bfloat16 in Preferences ▸ Models"});
    }
    std::vector<std::string> fitting;
    for (const Option& option : options) {
        JobEstimator::Run other = run;
        other.choice = option.choice;
        const MemoryFit alternative = estimateMemory(model, other, machine);
        if (!alternative.estimate.fits)
            continue;
        const JobEstimate& a = alternative.estimate;
        fitting.push_back(std::string(option.what) + " (about " +
                          JobEstimator::bytesText(other.choice.onGpu() ? a.deviceBytes : a.hostBytes) +
                          ")");
    }
    return fitting;
}

std::string advice(const ModelCost& model, const JobEstimator::Run& run,
                   const JobEstimator::Machine& machine, const MemoryFit& fit) {
    const JobEstimate& e = fit.estimate;
    const bool device = fit.deviceShort;
    const std::uint64_t needed = device ? e.deviceBytes : e.hostBytes;
    const std::uint64_t free = device ? fit.deviceFree : fit.hostFree;
    std::string text = "this job needs about " + JobEstimator::bytesText(needed) + " of " +
                       (device               ? "GPU memory"
                        : run.choice.onGpu() ? "the computer's memory"
                                             : "memory") +
                       " (the model " + JobEstimator::bytesText(e.weightBytes) + " in " +
                       run.choice.dtype + ") but " + JobEstimator::bytesText(free) + " are free: ";
    std::vector<std::string> options = alternatives(model, run, machine);
    options.push_back(device ? "close other programs that use the GPU"
                             : "close other programs to free memory");
    for (std::size_t i = 0; i < options.size(); ++i)
        text += (i == 0 ? "" : i + 1 == options.size() ? ", or " : ", ") + options[i];
    return text;
}

} // namespace

Status JobEstimator::chooseRun(const DiffusionSettings& settings, const ComputeDevices& devices,
                               RunChoice& out) {
    RunChoice choice;
    if (settings.device == "cuda") {
        if (!devices.cuda)
            return Status::deviceUnavailable(
                "this build of libtorch has no CUDA device; choose the CPU in the settings");
        choice.device = "cuda";
    } else if (settings.device == "auto") {
        choice.device = devices.cuda ? "cuda" : "cpu";
    } else if (settings.device != "cpu") {
        return Status::badInput("unknown device \"" + settings.device + "\"; use auto, cpu or cuda");
    }
    if (settings.dtype == "auto")
        choice.dtype = choice.onGpu() ? "float16" : devices.cpuBfloat16 ? "bfloat16" : "float32";
    else if (settings.dtype == "float32" || settings.dtype == "float16" || settings.dtype == "bfloat16")
        choice.dtype = settings.dtype;
    else
        return Status::badInput("unknown precision \"" + settings.dtype +
                                "\"; use auto, float32, float16 or bfloat16");
    if (!choice.onGpu() && choice.dtype == "float16")
        return Status::badInput("float16 runs on a GPU only; use float32 or bfloat16 on the CPU");
    out = choice;
    return Status::ok();
}

double JobEstimator::guidanceScale(const std::string& family, const InpaintRequest& request) {
    const DiffusionSettings& d = request.diffusion;
    if (d.guidanceScale >= 0)
        return d.guidanceScale;
    if (family == "Stable Diffusion")
        return 7.5;
    return request.prompt.empty() && d.imagePrompts.empty() ? kReferenceGuidance : 4.0;
}

int JobEstimator::denoiseSteps(const DiffusionSettings& d) {
    const int steps = std::max(1, d.steps);
    if (d.strength >= 1.0)
        return steps;
    return std::max(1, std::min(static_cast<int>(steps * d.strength), steps));
}

JobEstimator::Run JobEstimator::runFor(const ModelCost& model, const InpaintRequest& request,
                                       const RunChoice& choice, int width, int height, int candidates) {
    Run run;
    run.choice = choice;
    run.width = width;
    run.height = height;
    run.candidates = std::max(1, candidates);
    run.guided = guidanceScale(model.description.family, request) > 1.0;
    // Kandinsky's prior reads its image tower for image prompts, and for the picture itself
    // when there is neither a prompt nor an image prompt (variations).
    run.readsImageTower = model.description.imageEncoderParameters > 0 &&
                          (!request.diffusion.imagePrompts.empty() || request.prompt.empty());
    run.steps = denoiseSteps(request.diffusion);
    run.regions = std::max<int>(1, static_cast<int>(request.outpaint.frames.size()));
    return run;
}

JobEstimate JobEstimator::estimate(const ModelCost& model, const Run& run, const Machine& machine) {
    const MemoryFit fit = estimateMemory(model, run, machine);
    JobEstimate e = fit.estimate;
    if (!e.fits)
        e.advice = advice(model, run, machine, fit);

    const std::string key = run.choice.key();
    double unit = DeviceSpeeds::get(DeviceSpeeds::modelStepKey(key, model.backend));
    if (unit <= 0)
        unit = DeviceSpeeds::get(DeviceSpeeds::stepKey(key));
    if (unit <= 0) {
        unit = secondsPerUnitFromGemm(DeviceSpeeds::get(DeviceSpeeds::gemmKey(key)));
        e.firstGuess = unit > 0;
    }
    if (unit > 0 && model.description.unetParameters > 0) {
        const int candidates = std::max(1, run.candidates);
        e.seconds = unit * work(model, run, candidates) +
                    DeviceSpeeds::get(DeviceSpeeds::otherKey(key, model.backend)) * candidates *
                        std::max(1, run.regions);
        const bool loaded = std::any_of(
            machine.resident.begin(), machine.resident.end(),
            [&](const ResidentModels::Model& m) { return m.backend == model.backend && m.run == key; });
        const double loadRate = DeviceSpeeds::get(DeviceSpeeds::loadKey(key));
        if (!loaded && loadRate > 0)
            e.seconds += double(model.description.bytesOnDisk) / loadRate;
        e.secondsKnown = true;
    }
    return e;
}

void JobEstimator::recordRun(const ModelCost& model, const Run& run, double denoiseSeconds,
                             double otherSeconds) {
    const std::string key = run.choice.key();
    const double units = work(model, run, run.candidates);
    if (units > 0 && denoiseSeconds > 0) {
        DeviceSpeeds::record(DeviceSpeeds::modelStepKey(key, model.backend), denoiseSeconds / units);
        if (flopsPerStep(model, run) >= kRepresentativeFlops)
            DeviceSpeeds::record(DeviceSpeeds::stepKey(key), denoiseSeconds / units);
    }
    if (otherSeconds > 0)
        DeviceSpeeds::record(DeviceSpeeds::otherKey(key, model.backend),
                             otherSeconds / std::max(1, run.candidates));
}

void JobEstimator::recordLoad(const ModelCost& model, const RunChoice& choice, double seconds) {
    if (seconds > 0 && model.description.bytesOnDisk > 0)
        DeviceSpeeds::record(DeviceSpeeds::loadKey(choice.key()),
                             double(model.description.bytesOnDisk) / seconds);
}

double JobEstimator::secondsPerUnitFromGemm(double flopsPerSecond) {
    return flopsPerSecond > 0 ? kFlopsPerUnit / (flopsPerSecond * kConvolutionEfficiency) : 0.0;
}

std::string JobEstimator::bytesText(std::uint64_t bytes) {
    const double mib = double(bytes) / double(1 << 20);
    char text[32];
    if (mib < 1)
        std::snprintf(text, sizeof text, "%.0f KiB", double(bytes) / 1024);
    else if (mib < 10)
        std::snprintf(text, sizeof text, "%.1f MiB", mib);
    else if (mib < 1000)
        std::snprintf(text, sizeof text, "%.0f MiB", mib);
    else if (mib < 10 * 1024)
        std::snprintf(text, sizeof text, "%.1f GiB", mib / 1024);
    else
        std::snprintf(text, sizeof text, "%.0f GiB", mib / 1024);
    return text;
}

} // namespace limner::engine
