#include "engine/service/Engine.h"

#include "engine/imaging/MaskOps.h"
#include "engine/service/BackendRegistry.h"
#include "engine/service/InpaintJobRunner.h"
#include "engine/service/OutpaintPlanRunner.h"
#include "engine/service/estimate/DeviceSpeeds.h"
#include "engine/service/estimate/JobEstimator.h"
#include "engine/service/estimate/ResidentModels.h"

#ifdef LIMNER_HAVE_MODELS
#include "engine/ml/nn/CpuCompute.h"
#include "engine/service/model/DeviceProbe.h"
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <thread>
#include <utility>

namespace limner::engine {

namespace {

constexpr int kMaxCandidates = 8;

std::string sizeText(const Image& image) {
    return std::to_string(image.width) + "×" + std::to_string(image.height);
}

std::string availableBackends() {
    std::string list;
    for (const auto& name : Engine::backendNames())
        list += (list.empty() ? "" : ", ") + name;
    return list;
}

Status validateDiffusion(const DiffusionSettings& d) {
    if (d.steps < 1 || d.steps > 1000)
        return Status::badInput("steps must be between 1 and 1000 (asked for " +
                                std::to_string(d.steps) + ")");
    if (!(d.guidanceScale < 0 || d.guidanceScale <= 100))
        return Status::badInput("guidance must be between 0 and 100");
    if (!(d.strength > 0 && d.strength <= 1))
        return Status::badInput("strength must be above 0 and at most 1");
    if (!(d.softCurve >= 0.1 && d.softCurve <= 10))
        return Status::badInput("the soft mask's curve must be from 0.1 to 10");
    if (d.previewEvery < 0)
        return Status::badInput("the preview interval cannot be negative");
    if (!(d.textWeight >= 0 && d.textWeight <= 10))
        return Status::badInput("the prompt's weight must be between 0 and 10");
    for (std::size_t i = 0; i < d.imagePrompts.size(); ++i) {
        const ImagePrompt& p = d.imagePrompts[i];
        if (p.image.empty() || !p.image.isConsistent() || p.image.channels < 3)
            return Status::badInput("image prompt " + std::to_string(i + 1) +
                                    " is empty or not an RGB picture");
        if (!(p.weight >= 0 && p.weight <= 10))
            return Status::badInput("image prompt " + std::to_string(i + 1) +
                                    " has a weight outside 0..10");
    }
    return Status::ok();
}

// The new canvas area must be part of the mask (or nothing would ever fill it), and every
// frame must reach the canvas.
Status validateOutpaint(const InpaintRequest& request) {
    const Image& unknown = request.outpaint.unknownArea;
    if (!unknown.empty()) {
        if (unknown.channels != 1 || unknown.width != request.image.width ||
            unknown.height != request.image.height || !unknown.isConsistent())
            return Status::badInput("the new canvas area is " + sizeText(unknown) +
                                    " but the image is " + sizeText(request.image) +
                                    "; it must be a 1-channel mask of the image's size");
        for (std::size_t i = 0; i < unknown.bytes.size(); ++i)
            if (unknown.bytes[i] != 0 && request.mask.bytes[i] == 0)
                return Status::badInput("part of the new canvas area is not in the mask: the new "
                                        "area must be generated, so mask all of it");
    }
    const Rect canvas{0, 0, request.image.width, request.image.height};
    for (const Rect& frame : request.outpaint.frames)
        if (frame.intersected(canvas).empty())
            return Status::badInput("a generation frame (" + std::to_string(frame.x) + "," +
                                    std::to_string(frame.y) + " " + std::to_string(frame.width) + "×" +
                                    std::to_string(frame.height) +
                                    ") lies outside the canvas; move it over the picture");
    return Status::ok();
}

ComputeDevices computeDevices() {
#ifdef LIMNER_HAVE_MODELS
    return DeviceProbe::devices();
#else
    return {};
#endif
}

// Asks the GPU for its free memory when the settings run there (on the worker thread: asking
// creates the CUDA context on the thread that asks).
void refreshDeviceFree(const DiffusionSettings& settings) {
#ifdef LIMNER_HAVE_MODELS
    RunChoice choice;
    if (JobEstimator::chooseRun(settings, DeviceProbe::devices(), choice) && choice.onGpu())
        AvailableMemory::setDeviceFree(DeviceProbe::freeDeviceMemory());
#else
    (void)settings;
#endif
}

// Gives the memory of freed weights back to the system: most tensors are below glibc's mmap
// threshold and would stay in the process's heap, so the system would not see a model go.
void returnFreedMemory() {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

std::string sentence(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
        text[0] = static_cast<char>(text[0] - 'a' + 'A');
    return text;
}

} // namespace

// Owns the worker thread, the queue and (on the worker thread only) the backends.
class Engine::Worker {
public:
    explicit Worker(Callbacks callbacks)
        : m_callbacks(std::move(callbacks))
        , m_thread([this] { loop(); }) {}

    ~Worker() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stopping = true;
            if (m_running)
                m_running->cancelled = true;
            m_queue.clear();
            m_cancelledQueued.clear();
            m_tasks.clear();
        }
        m_wake.notify_all();
        m_thread.join();
    }

    // Runs task on the worker thread before the next job (after the running one).
    void post(std::function<void()> task) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_tasks.push_back(std::move(task));
        }
        m_wake.notify_all();
    }

    void release(const std::string& backend) {
        post([this, backend] {
            if (m_backends.erase(backend) > 0)
                returnFreedMemory();
        });
    }

    JobId submit(InpaintRequest request) {
        auto job = std::make_shared<Job>();
        job->request = std::move(request);
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            job->id = m_nextId++;
            m_queue.push_back(job);
        }
        m_wake.notify_all();
        return job->id;
    }

    void cancel(JobId id) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_running && m_running->id == id) {
                m_running->cancelled = true;
                return;
            }
            const auto it =
                std::find_if(m_queue.begin(), m_queue.end(),
                             [id](const std::shared_ptr<Job>& job) { return job->id == id; });
            if (it == m_queue.end())
                return;
            m_cancelledQueued.push_back((*it)->id);
            m_queue.erase(it);
        }
        m_wake.notify_all();
    }

    void cancelAll() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_running)
                m_running->cancelled = true;
            for (const auto& job : m_queue)
                m_cancelledQueued.push_back(job->id);
            m_queue.clear();
        }
        m_wake.notify_all();
    }

private:
    struct Job {
        JobId id = 0;
        InpaintRequest request;
        std::atomic<bool> cancelled{false};
    };

    void loop() {
#ifdef LIMNER_HAVE_MODELS
        // Every core where the process started with sleeping waits (startProcess), libtorch's own
        // settings otherwise; LIMNER_THREADS=N in either case (see CpuCompute).
        ml::CpuCompute::applyUserChoice();
#endif
        for (;;) {
            std::shared_ptr<Job> job;
            std::function<void()> task;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_wake.wait(lock, [this] {
                    return m_stopping || !m_queue.empty() || !m_cancelledQueued.empty() ||
                           !m_tasks.empty();
                });
                if (m_stopping)
                    return;
                if (!m_tasks.empty()) {
                    task = std::move(m_tasks.front());
                    m_tasks.pop_front();
                } else if (m_cancelledQueued.empty()) {
                    job = m_queue.front();
                    m_queue.pop_front();
                    m_running = job;
                }
            }
            if (task) {
                guarded(task);
                continue;
            }
            reportCancelledQueued();
            if (!job)
                continue;
            run(*job);
            std::lock_guard<std::mutex> lock(m_mutex);
            m_running.reset();
        }
    }

    // Queued jobs that were cancelled are reported on this thread, promptly: between jobs and
    // between the steps of a running one.
    void reportCancelledQueued() {
        std::vector<JobId> ids;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            ids.swap(m_cancelledQueued);
        }
        for (JobId id : ids)
            reportFailed(id, Status::cancelled());
    }

    void run(Job& job) {
        Status status;
        InpaintResult result;
        try {
            status = execute(job, result);
        } catch (const std::bad_alloc&) {
            status = Status::outOfMemory("not enough memory for this job: try a smaller mask, fewer "
                                         "candidates or a smaller picture");
        } catch (const std::exception& e) {
            status = Status::internal(std::string("the job failed unexpectedly: ") + e.what());
        } catch (...) {
            status = Status::internal("the job failed unexpectedly");
        }
        if (status && job.cancelled)
            status = Status::cancelled();
        if (status) {
            if (m_callbacks.finished)
                guarded([&] { m_callbacks.finished(job.id, std::move(result)); });
        } else {
            reportFailed(job.id, status);
        }
    }

    Status execute(Job& job, InpaintResult& result) {
        if (job.cancelled)
            return Status::cancelled();
        const Status valid = Engine::validate(job.request);
        if (!valid)
            return valid;
        // Refused before anything is loaded or freed; ModelBackend checks again at the size
        // each run has, with the same estimate.
        if (Engine::backendIsModel(job.request.backend)) {
            refreshDeviceFree(job.request.diffusion);
            JobEstimate estimate;
            if (Status s = Engine::estimate(job.request, estimate); !s)
                return s;
            if (!estimate.fits)
                return Status::outOfMemory(sentence(estimate.advice));
        }
        InpaintBackend* found = backendNamed(job.request.backend);
        if (!found)
            return Status::badInput("the backend \"" + job.request.backend +
                                    "\" was removed before the job started");
        InpaintBackend& backend = *found;
        InpaintJobRunner::Hooks hooks;
        hooks.stopRequested = [this, &job] {
            reportCancelledQueued();
            return job.cancelled.load();
        };
        hooks.progress = [this, &job](const JobProgress& progress) {
            if (m_callbacks.progress)
                guarded([&] { m_callbacks.progress(job.id, progress); });
        };
        if (job.request.outpaint.frames.size() > 1) {
            OutpaintPlanRunner plan(backend, std::move(hooks));
            return plan.run(job.request, result);
        }
        InpaintJobRunner runner(backend, std::move(hooks));
        return runner.run(job.request, result);
    }

    // Created on first use and kept, so a backend that loads a model loads it once.
    // Choosing another model frees the one loaded before (a model can take gigabytes).
    // nullptr when no backend has the name (a model removed since the job was submitted).
    InpaintBackend* backendNamed(const std::string& name) {
        const BackendRegistry::Entry* entry = BackendRegistry::find(name);
        if (!entry)
            return nullptr;
        if (Engine::backendIsModel(name)) {
            bool freed = false;
            for (auto it = m_backends.begin(); it != m_backends.end();) {
                if (Engine::backendIsModel(it->first) && it->first != name) {
                    it = m_backends.erase(it);
                    freed = true;
                } else {
                    ++it;
                }
            }
            if (freed)
                returnFreedMemory();
        }
        auto& backend = m_backends[name];
        if (!backend)
            backend = entry->create();
        return backend.get();
    }

    void reportFailed(JobId id, const Status& status) {
        if (m_callbacks.failed)
            guarded([&] { m_callbacks.failed(id, status); });
    }

    // A callback that throws must not take the worker thread (and every later job) with it.
    template <typename F>
    static void guarded(F&& call) {
        try {
            call();
        } catch (...) {
        }
    }

    const Callbacks m_callbacks;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::shared_ptr<Job>> m_queue;
    std::vector<JobId> m_cancelledQueued;
    std::deque<std::function<void()>> m_tasks; // release, probe: before the next job
    std::shared_ptr<Job> m_running;
    JobId m_nextId = 1;
    bool m_stopping = false;
    std::map<std::string, std::unique_ptr<InpaintBackend>> m_backends; // worker thread only
    std::thread m_thread; // last: starts after everything it uses exists
};

Engine::Engine(Callbacks callbacks)
    : m_worker(std::make_unique<Worker>(std::move(callbacks))) {}

Engine::~Engine() = default;

JobId Engine::submit(InpaintRequest request) {
    return m_worker->submit(std::move(request));
}

void Engine::cancel(JobId id) {
    m_worker->cancel(id);
}

void Engine::cancelAll() {
    m_worker->cancelAll();
}

void Engine::release(const std::string& backend) {
    m_worker->release(backend);
}

void Engine::removeModel(const std::string& backend) {
    BackendRegistry::removeModel(backend);
    m_worker->release(backend);
}

void Engine::probeSpeed(const DiffusionSettings& settings, std::function<void()> done) {
#ifdef LIMNER_HAVE_MODELS
    m_worker->post([settings, done = std::move(done)] {
        RunChoice choice;
        if (JobEstimator::chooseRun(settings, DeviceProbe::devices(), choice)) {
            const std::string key = DeviceSpeeds::gemmKey(choice.key());
            if (DeviceSpeeds::get(key) <= 0)
                DeviceSpeeds::record(key, DeviceProbe::gemmRate(choice));
            if (choice.onGpu())
                AvailableMemory::setDeviceFree(DeviceProbe::freeDeviceMemory());
        }
        if (done)
            done();
    });
#else
    (void)settings;
    (void)done;
#endif
}

Status Engine::estimate(const InpaintRequest& request, JobEstimate& out) {
    out = JobEstimate{};
    const BackendRegistry::Entry* entry = BackendRegistry::find(request.backend);
    if (!entry)
        return Status::badInput("unknown backend \"" + request.backend + "\"; choose one of " +
                                availableBackends());
    if (!entry->cost)
        return Status::ok(); // a classical fill
    RunChoice choice;
    if (Status s = JobEstimator::chooseRun(request.diffusion, computeDevices(), choice); !s)
        return s;
    // A model runs at its native size whatever the region; the region is planned only for a
    // backend without one.
    const BackendGeometry& geometry = entry->geometry;
    Rect region;
    if ((geometry.nativeWidth <= 0 || geometry.nativeHeight <= 0) && !request.mask.empty())
        region = InpaintJobRunner::planRegion(request, geometry).region;
    int width = 0, height = 0;
    InpaintJobRunner::fillSize(geometry, region, width, height);
    if (width <= 0 || height <= 0)
        return Status::ok();
    const JobEstimator::Run run =
        JobEstimator::runFor(*entry->cost, request, choice, width, height, request.candidates);
    out = JobEstimator::estimate(*entry->cost, run, JobEstimator::Machine::now());
    return Status::ok();
}

void Engine::startProcess(char** argv) {
#ifdef LIMNER_HAVE_MODELS
    ml::CpuCompute::startProcess(argv);
#else
    (void)argv;
#endif
}

int Engine::loadedModelCount() {
    return ResidentModels::count();
}

std::map<std::string, double> Engine::speedRecords() {
    return DeviceSpeeds::records();
}

void Engine::restoreSpeedRecords(const std::map<std::string, double>& records) {
    DeviceSpeeds::restore(records);
}

std::vector<std::string> Engine::backendNames() {
    std::vector<std::string> names;
    for (const auto& entry : BackendRegistry::entries())
        names.push_back(entry.name);
    return names;
}

std::string Engine::backendLabel(const std::string& name) {
    const auto* entry = BackendRegistry::find(name);
    return entry ? entry->label : name;
}

BackendGeometry Engine::backendGeometry(const std::string& name) {
    const auto* entry = BackendRegistry::find(name);
    return entry ? entry->geometry : BackendGeometry{};
}

bool Engine::backendIsModel(const std::string& name) {
    return name.rfind("model:", 0) == 0;
}

Status Engine::addModel(const std::string& folder, std::string& name, ModelDescription* description,
                        const std::string& priorFolder) {
    return BackendRegistry::addModel(folder, name, description, priorFolder);
}

bool Engine::modelsSupported() {
    return BackendRegistry::modelsSupported();
}

std::string Engine::autoDtype(const std::string& device, std::string* why) {
    DiffusionSettings settings;
    settings.device = device;
    settings.dtype = "auto";
    RunChoice choice;
    if (!JobEstimator::chooseRun(settings, computeDevices(), choice))
        return {};
    if (why) {
#ifdef LIMNER_HAVE_MODELS
        const std::string support = ml::CpuCompute::bfloat16Support();
#else
        const std::string support = "none";
#endif
        *why = choice.onGpu()               ? "the GPU computes float16 fastest"
               : choice.dtype == "bfloat16" ? "this CPU has " + support
                                            : "this CPU has no native bfloat16";
    }
    return choice.dtype;
}

Status Engine::validate(const InpaintRequest& request) {
    const Image& image = request.image;
    const Image& mask = request.mask;
    if (image.empty())
        return Status::badInput("the image is empty: open or create a picture first");
    if (image.channels != 3 && image.channels != 4)
        return Status::badInput("the image has " + std::to_string(image.channels) +
                                " channels; it must be RGB (3) or RGBA (4)");
    if (!image.isConsistent())
        return Status::badInput(
            "the image holds " + std::to_string(image.bytes.size()) + " bytes but " + sizeText(image) +
            " with " + std::to_string(image.channels) + " channels needs " +
            std::to_string(image.stride() * image.height) + ": the picture data is damaged");
    if (mask.empty())
        return Status::badInput("the mask is empty: paint the area to regenerate");
    if (mask.channels != 1)
        return Status::badInput("the mask has " + std::to_string(mask.channels) +
                                " channels; it must be a 1-channel 8-bit mask");
    if (mask.width != image.width || mask.height != image.height)
        return Status::badInput("mask is " + sizeText(mask) + " but the image is " + sizeText(image));
    if (!mask.isConsistent())
        return Status::badInput(
            "the mask holds " + std::to_string(mask.bytes.size()) + " bytes but " + sizeText(mask) +
            " needs " + std::to_string(mask.stride() * mask.height) + ": the mask data is damaged");
    if (imaging::maskIsEmpty(mask))
        return Status::badInput("the mask is empty: paint the area to regenerate");
    if (!BackendRegistry::find(request.backend))
        return Status::badInput("unknown backend \"" + request.backend + "\"; choose one of " +
                                availableBackends());
    if (const Status outpaint = validateOutpaint(request); !outpaint)
        return outpaint;
    if (const Status diffusion = validateDiffusion(request.diffusion); !diffusion)
        return diffusion;
    if (request.candidates < 1 || request.candidates > kMaxCandidates)
        return Status::badInput("candidates must be between 1 and " + std::to_string(kMaxCandidates) +
                                " (asked for " + std::to_string(request.candidates) + ")");
    return Status::ok();
}

} // namespace limner::engine
