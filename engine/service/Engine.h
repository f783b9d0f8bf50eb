#pragma once

#include "engine/core/Status.h"
#include "engine/service/InpaintBackend.h"
#include "engine/service/InpaintRequest.h"
#include "engine/service/ModelDescription.h"
#include "engine/service/estimate/JobEstimate.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace limner::engine {

using JobId = std::uint64_t;

// Runs inpainting jobs on one worker thread, first in, first out.
//
//   Engine engine({onProgress, onFinished, onFailed});
//   JobId id = engine.submit(request);   // returns at once
//   engine.cancel(id);                   // honoured before the job's next step
//
// Requirements: callbacks are cheap and thread-safe; they run on the worker thread and must
//   not call back into the Engine's destructor.
// Guarantees: every submitted job ends with exactly one of finished or failed (Cancelled is a
//   failure code), except jobs still queued when the Engine is destroyed, which are dropped
//   silently. submit() and cancel() may be called from any thread. The destructor cancels the
//   running job, drops the queue and joins the worker; it never hangs on a queued job.
class Engine {
public:
    struct Callbacks {
        std::function<void(JobId, const JobProgress&)> progress;
        std::function<void(JobId, InpaintResult)> finished;
        std::function<void(JobId, const Status&)> failed;
    };

    explicit Engine(Callbacks callbacks);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    JobId submit(InpaintRequest request);
    // Direct call (never a queued signal): sets the job's atomic flag; a queued job is
    // removed and reported Cancelled, a running one stops before its next step.
    void cancel(JobId id);
    void cancelAll();
    // Frees a backend's loaded model on the worker thread, after the running job (queued
    // before the jobs waiting); a later job on it loads it again. For a model taken off the list.
    void release(const std::string& backend);
    // Takes a model off the backends at once (BackendRegistry::removeModel: requests naming it
    // fail from now on) and frees it as release() does.
    void removeModel(const std::string& backend);
    // Measures, on the worker thread and before the jobs waiting, the matrix-multiply rate of
    // the device and dtype these settings choose, unless a speed is known for them, and the
    // GPU's free memory; then calls done (on the worker thread). No-op without engine/ml.
    void probeSpeed(const DiffusionSettings& settings, std::function<void()> done = {});

    // What a request will cost and whether it fits the memory free now: the model's weights
    // and activations at the size it runs at, and the time from this device's measured speed
    // (JobEstimator). Cheap (no loading, no planning for model backends): callable from any
    // thread, e.g. on every change of the generate panel. Classical fills give applies = false.
    // Fails only for what would make the job fail too (unknown backend, device or dtype).
    static Status estimate(const InpaintRequest& request, JobEstimate& out);
    // First thing in an executable's main(): lets the CPU's compute threads sleep while they wait,
    // which needs the process to start again with those settings (ml::CpuCompute::startProcess;
    // may not return). No-op without engine/ml.
    static void startProcess(char** argv);
    // Models whose weights are in memory now (instrumentation: ResidentModels).
    static int loadedModelCount();
    // The measured speeds (DeviceSpeeds), for the app to keep between sessions.
    static std::map<std::string, double> speedRecords();
    static void restoreSpeedRecords(const std::map<std::string, double>& records);

    // Names of the available backends, e.g. "telea", "navier-stokes", "fsr".
    static std::vector<std::string> backendNames();
    // A human-readable label for a backend name ("OpenCV Telea").
    static std::string backendLabel(const std::string& name);
    // The working size of a backend (nativeWidth/Height 0 = any size); {} for unknown names.
    static BackendGeometry backendGeometry(const std::string& name);
    // True for a diffusion model's backend name ("model:" + folder), false for classical fills.
    static bool backendIsModel(const std::string& name);

    // Adds a diffusion model folder (checked without reading its tensor data) and gives the
    // backend name requests use for it. See BackendRegistry::addModel.
    static Status addModel(const std::string& folder, std::string& name,
                           ModelDescription* description = nullptr,
                           const std::string& priorFolder = {});
    static bool modelsSupported();
    // What a job on `device` ("auto", "cpu", "cuda") computes in when its precision is "auto"
    // ("float16" on a GPU; "bfloat16" on a CPU that computes it natively, else "float32"),
    // and why, in a few words for the settings ("this CPU has AVX-512 BF16"). Empty when the
    // device cannot run here.
    static std::string autoDtype(const std::string& device, std::string* why = nullptr);
    // Checks a request without running it (sizes, channels, empty mask, unknown backend).
    static Status validate(const InpaintRequest& request);

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

} // namespace limner::engine
