#include "engine/ml/bench/PipelineBenchmark.h"

#include "engine/ml/bench/BenchClock.h"
#include "engine/ml/bench/BenchOptions.h"
#include "engine/ml/bench/DeviceMemory.h"
#include "engine/ml/bench/ProcessMemory.h"
#include "engine/ml/nn/RandomWeightScope.h"
#include "engine/ml/pipelines/InpaintPipeline.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace limner::engine::ml {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double cpuSeconds() {
    return BenchClock::cpuSeconds();
}

double median(std::vector<double> v) {
    return BenchClock::median(std::move(v));
}

// What one run's progress callback saw: when each denoising step ended, and the peak resident
// size (and peak device memory) of the stretch that ended there (the peaks are reset after each
// reading).
struct StepLog {
    Clock::time_point start;
    std::vector<double> ends, cpuEnds;
    std::vector<std::uint64_t> peaks;
    std::vector<DeviceMemory::Figures> devicePeaks;
};

DeviceMemory::Figures larger(const DeviceMemory::Figures& a, const DeviceMemory::Figures& b) {
    return {std::max(a.allocated, b.allocated), std::max(a.reserved, b.reserved)};
}

// "allocated 3.10 GiB, reserved 3.52 GiB"
std::string deviceText(const DeviceMemory::Figures& f) {
    char a[32], b[32];
    return std::string("allocated ") + ProcessMemory::gib(f.allocated, a) + ", reserved " +
           ProcessMemory::gib(f.reserved, b);
}

std::string gibNumber(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
    return text;
}

} // namespace

Status PipelineBenchmark::run(const BenchOptions& o, std::ostream& out) {
    char line[640], a[32], b[32], c[32], d[32], e[32];
    std::unique_ptr<InpaintPipeline> pipeline;
    const bool canReset = ProcessMemory::resetPeak();
    const bool deviceFigures = DeviceMemory::available(o.device);
    double loadSeconds = 0;
    {
        RandomWeightScope random(o.seed);
        const auto start = Clock::now();
        const double cpuStart = cpuSeconds();
        if (Status s = InpaintPipeline::load(o.modelDir, o.device, o.dtype, pipeline); !s)
            return s;
        DeviceMemory::synchronize(o.device);
        const double seconds = secondsSince(start);
        loadSeconds = seconds;
        const ProcessMemory::Figures m = ProcessMemory::now();
        std::snprintf(line, sizeof line,
                      "%s model loaded in %.2f s (cpu %.2f s; %.1f M random parameters); resident %s "
                      "(tensors %s, mapped files %s), peak while loading %s\n",
                      pipeline->familyName(), seconds, cpuSeconds() - cpuStart,
                      static_cast<double>(random.parameterCount()) / 1e6,
                      ProcessMemory::gib(m.resident, a), ProcessMemory::gib(m.anonymous, b),
                      ProcessMemory::gib(m.file, c), ProcessMemory::gib(m.peak, d));
        out << line << std::flush;
        if (deviceFigures)
            out << "        device memory with the weights: " +
                       deviceText(DeviceMemory::current(o.device)) +
                       "; peak while loading: " + deviceText(DeviceMemory::peak(o.device)) + "\n"
                << std::flush;
    }
    std::uint64_t processPeak = ProcessMemory::now().peak;
    if (!canReset)
        out << "(the peak cannot be reset here: figures after the load include the load's peak)\n";
    const std::int64_t h = o.height > 0 ? o.height : pipeline->nativeSize();
    const std::int64_t w = o.width > 0 ? o.width : pipeline->nativeSize();
    InpaintTensors in;
    in.image = at::rand({1, 3, h, w});
    in.mask = at::zeros({1, 1, h, w});
    in.mask.slice(2, h / 4, 3 * h / 4).slice(3, w / 4, 3 * w / 4).fill_(1.0);
    InpaintParameters p;
    p.prompt = "a wooden table in a sunlit room";
    p.steps = o.steps;
    p.priorSteps = o.priorSteps;
    p.guidanceScale = o.guidance;
    p.candidates = static_cast<int>(o.batch);
    p.seed = o.seed;
    for (int i = 0; i < o.warmup + o.iterations; ++i) {
        StepLog log;
        InpaintCallbacks callbacks;
        // On a GPU the steps are only queued: waiting for each one makes its time its own (a few
        // microseconds per step that a real run does not spend).
        callbacks.progress = [&log, &o, deviceFigures](const InpaintProgress&) {
            DeviceMemory::synchronize(o.device);
            log.ends.push_back(secondsSince(log.start));
            log.cpuEnds.push_back(cpuSeconds());
            log.peaks.push_back(ProcessMemory::now().peak);
            ProcessMemory::resetPeak();
            if (deviceFigures) {
                log.devicePeaks.push_back(DeviceMemory::peak(o.device));
                DeviceMemory::resetPeak(o.device);
            }
        };
        InpaintOutput result;
        DeviceMemory::synchronize(o.device);
        ProcessMemory::resetPeak();
        DeviceMemory::resetPeak(o.device);
        log.start = Clock::now();
        const double cpuStart = cpuSeconds();
        if (Status s = pipeline->run(in, p, callbacks, result); !s)
            return s;
        DeviceMemory::synchronize(o.device);
        const double total = secondsSince(log.start);
        const double cpuTotal = cpuSeconds() - cpuStart;
        const ProcessMemory::Figures after = ProcessMemory::now();
        const InpaintTimings& t = result.timings;
        std::snprintf(line, sizeof line,
                      "%s %lldx%lld, %d steps, %s guidance %.1f, %d image(s): %.3f s per image "
                      "(total %.3f s, cpu %.3f s: text %.3f, prior %.3f, decoder steps %.3f, "
                      "autoencoder %.3f)\n",
                      i < o.warmup ? "warm-up" : "run    ", static_cast<long long>(w),
                      static_cast<long long>(h), o.steps,
                      pipeline->family() == InpaintPipeline::Family::Kandinsky22
                          ? ("prior " + std::to_string(o.priorSteps) + " steps,").c_str()
                          : "",
                      o.guidance, p.candidates, total / p.candidates, total, cpuTotal, t.text, t.prior,
                      t.denoise, t.autoencoder);
        out << line << std::flush;
        // Step 1 began where the denoising stage began: its time is what the other steps leave.
        std::vector<double> steps;
        for (std::size_t k = 1; k < log.ends.size(); ++k)
            steps.push_back(log.ends[k] - log.ends[k - 1]);
        double rest = 0;
        for (double s : steps)
            rest += s;
        if (!log.ends.empty())
            steps.insert(steps.begin(), std::max(0.0, t.denoise - rest));
        // CPU seconds of steps 2..N (step 1's start is not seen by the callback).
        std::vector<double> cpuSteps;
        for (std::size_t k = 1; k < log.cpuEnds.size(); ++k)
            cpuSteps.push_back(log.cpuEnds[k] - log.cpuEnds[k - 1]);
        const std::string cpuStepText =
            cpuSteps.empty() ? std::string("-") : std::to_string(median(cpuSteps));
        if (!steps.empty()) {
            char cpuText[32] = "-";
            if (!cpuSteps.empty())
                std::snprintf(cpuText, sizeof cpuText, "%.3f", median(cpuSteps));
            std::snprintf(line, sizeof line,
                          "        decoder step: min %.3f s, median %.3f s, max %.3f s (%zu steps); "
                          "cpu of steps 2..: median %s s\n",
                          *std::min_element(steps.begin(), steps.end()), median(steps),
                          *std::max_element(steps.begin(), steps.end()), steps.size(), cpuText);
            out << line << std::flush;
        }
        std::uint64_t stepsPeak = 0;
        for (std::size_t k = 1; k < log.peaks.size(); ++k)
            stepsPeak = std::max(stepsPeak, log.peaks[k]);
        const std::uint64_t firstPeak = log.peaks.empty() ? 0 : log.peaks.front();
        const std::uint64_t runPeak = std::max({firstPeak, stepsPeak, after.peak});
        processPeak = std::max(processPeak, runPeak);
        const std::string steps2 = log.peaks.size() > 1
                                       ? ", steps 2.." + std::to_string(log.peaks.size()) + " " +
                                             ProcessMemory::gib(stepsPeak, b)
                                       : std::string();
        std::snprintf(line, sizeof line,
                      "        peak resident: up to the end of step 1 (text, prior, encode, step 1) "
                      "%s%s, %s %s; run %s; process so far %s\n",
                      ProcessMemory::gib(firstPeak, a), steps2.c_str(),
                      log.peaks.size() > 1 ? "last step + decode" : "decode",
                      ProcessMemory::gib(after.peak, c), ProcessMemory::gib(runPeak, d),
                      ProcessMemory::gib(processPeak, e));
        out << line << std::flush;
        DeviceMemory::Figures deviceRunPeak;
        if (deviceFigures) {
            const DeviceMemory::Figures lastPeak = DeviceMemory::peak(o.device);
            DeviceMemory::Figures deviceStepsPeak;
            for (std::size_t k = 1; k < log.devicePeaks.size(); ++k)
                deviceStepsPeak = larger(deviceStepsPeak, log.devicePeaks[k]);
            const DeviceMemory::Figures deviceFirstPeak =
                log.devicePeaks.empty() ? DeviceMemory::Figures{} : log.devicePeaks.front();
            deviceRunPeak = larger(larger(deviceFirstPeak, deviceStepsPeak), lastPeak);
            out << "        peak device memory: up to the end of step 1 " +
                       deviceText(deviceFirstPeak) +
                       (log.devicePeaks.size() > 1 ? "; steps 2.. " + deviceText(deviceStepsPeak)
                                                   : std::string()) +
                       "; " + (log.devicePeaks.size() > 1 ? "last step + decode " : "decode ") +
                       deviceText(lastPeak) + "; run " + deviceText(deviceRunPeak) + "\n"
                << std::flush;
        }
        if (i >= o.warmup) {
            // One line of key=value pairs per timed run, for scripts (scripts/device-check).
            std::snprintf(line, sizeof line,
                          "summary family=%s device=%s dtype=%s size=%lldx%lld steps=%d "
                          "prior_steps=%d batch=%d load_s=%.3f image_s=%.3f step_median_s=%.4f "
                          "step_cpu_median_s=%s "
                          "text_s=%.3f prior_s=%.3f denoise_s=%.3f autoencoder_s=%.3f cpu_s=%.3f "
                          "peak_resident_gib=%s peak_device_allocated_gib=%s "
                          "peak_device_reserved_gib=%s\n",
                          pipeline->family() == InpaintPipeline::Family::Kandinsky22
                              ? "kandinsky22"
                              : "stable-diffusion",
                          o.device.str().c_str(), c10::toString(o.dtype), static_cast<long long>(w),
                          static_cast<long long>(h), o.steps,
                          pipeline->family() == InpaintPipeline::Family::Kandinsky22 ? o.priorSteps : 0,
                          p.candidates, loadSeconds, total / p.candidates,
                          steps.empty() ? 0.0 : median(steps), cpuStepText.c_str(), t.text, t.prior,
                          t.denoise, t.autoencoder, cpuTotal, gibNumber(runPeak).c_str(),
                          deviceFigures ? gibNumber(deviceRunPeak.allocated).c_str() : "-",
                          deviceFigures ? gibNumber(deviceRunPeak.reserved).c_str() : "-");
            out << line << std::flush;
        }
        // What stays resident is the weights plus freed heap memory malloc has kept; trimming
        // shows how much of it is the latter.
        const std::uint64_t trimmed = ProcessMemory::trimHeap() ? ProcessMemory::now().resident : 0;
        std::snprintf(line, sizeof line,
                      "        resident after the run %s (after returning free heap memory %s)\n",
                      ProcessMemory::gib(after.resident, a),
                      trimmed ? ProcessMemory::gib(trimmed, b) : "-");
        out << line << std::flush;
    }
    return Status::ok();
}

} // namespace limner::engine::ml
