#pragma once

#include "engine/service/Engine.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace limner::engine::test {

// Collects what an Engine reports, from its worker thread, for the test thread to inspect.
class JobRecorder {
public:
    struct Event {
        enum class Kind { Progress, Finished, Failed };
        Kind kind = Kind::Progress;
        JobId id = 0;
        JobProgress progress;
        Status status;
    };

    Engine::Callbacks callbacks();

    // Waits until done(id) is true for every id, or the timeout passes; true when all are done.
    bool waitForEnd(const std::vector<JobId>& ids,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20));
    bool waitUntil(const std::function<bool()>& condition,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));

    // Copies, safe to call while the engine runs.
    std::vector<Event> events() const;
    std::vector<JobProgress> progressOf(JobId id) const;
    int finishedCount(JobId id) const;
    int failedCount(JobId id) const;
    Status failure(JobId id) const;
    InpaintResult result(JobId id) const;

    // Extra work done on the worker thread after recording a progress event.
    std::function<void(JobId, const JobProgress&)> onProgress;

private:
    void record(Event event);
    bool endedLocked(JobId id) const;

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Event> m_events;
    std::map<JobId, InpaintResult> m_results;
};

// Runs one request on a fresh Engine and waits for its end; status says how it ended.
InpaintResult runToEnd(InpaintRequest request, Status& status);

} // namespace limner::engine::test
