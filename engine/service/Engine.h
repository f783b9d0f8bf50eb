#pragma once

#include "engine/core/Status.h"
#include "engine/service/InpaintBackend.h"
#include "engine/service/InpaintRequest.h"
#include "engine/service/ModelDescription.h"

#include <cstdint>
#include <functional>
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
    // Checks a request without running it (sizes, channels, empty mask, unknown backend).
    static Status validate(const InpaintRequest& request);

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

} // namespace limner::engine
