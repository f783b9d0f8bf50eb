#include "JobRecorder.h"

#include <algorithm>

namespace limner::engine::test {

void JobRecorder::record(Event event) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_events.push_back(std::move(event));
    }
    m_changed.notify_all();
}

Engine::Callbacks JobRecorder::callbacks() {
    Engine::Callbacks callbacks;
    callbacks.progress = [this](JobId id, const JobProgress& progress) {
        Event event;
        event.id = id;
        event.progress = progress;
        record(std::move(event));
        if (onProgress)
            onProgress(id, progress);
    };
    callbacks.finished = [this](JobId id, InpaintResult result) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_results[id] = std::move(result);
        }
        Event event;
        event.kind = Event::Kind::Finished;
        event.id = id;
        record(std::move(event));
    };
    callbacks.failed = [this](JobId id, const Status& status) {
        Event event;
        event.kind = Event::Kind::Failed;
        event.id = id;
        event.status = status;
        record(std::move(event));
    };
    return callbacks;
}

bool JobRecorder::endedLocked(JobId id) const {
    return std::any_of(m_events.begin(), m_events.end(),
                       [id](const Event& e) { return e.id == id && e.kind != Event::Kind::Progress; });
}

bool JobRecorder::waitForEnd(const std::vector<JobId>& ids, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] {
        return std::all_of(ids.begin(), ids.end(), [this](JobId id) { return endedLocked(id); });
    });
}

bool JobRecorder::waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock<std::mutex> lock(m_mutex);
    while (true) {
        lock.unlock();
        if (condition())
            return true;
        lock.lock();
        if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) {
            lock.unlock();
            return condition();
        }
    }
}

std::vector<JobRecorder::Event> JobRecorder::events() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_events;
}

std::vector<JobProgress> JobRecorder::progressOf(JobId id) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<JobProgress> progress;
    for (const auto& e : m_events)
        if (e.id == id && e.kind == Event::Kind::Progress)
            progress.push_back(e.progress);
    return progress;
}

int JobRecorder::finishedCount(JobId id) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return static_cast<int>(std::count_if(m_events.begin(), m_events.end(), [id](const Event& e) {
        return e.id == id && e.kind == Event::Kind::Finished;
    }));
}

int JobRecorder::failedCount(JobId id) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return static_cast<int>(std::count_if(m_events.begin(), m_events.end(), [id](const Event& e) {
        return e.id == id && e.kind == Event::Kind::Failed;
    }));
}

Status JobRecorder::failure(JobId id) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto& e : m_events)
        if (e.id == id && e.kind == Event::Kind::Failed)
            return e.status;
    return Status::ok();
}

InpaintResult JobRecorder::result(JobId id) const {
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto it = m_results.find(id);
    return it == m_results.end() ? InpaintResult{} : it->second;
}

InpaintResult runToEnd(InpaintRequest request, Status& status) {
    JobRecorder recorder;
    Engine engine(recorder.callbacks());
    const JobId id = engine.submit(std::move(request));
    if (!recorder.waitForEnd({id})) {
        status = Status::internal("the job did not end within the test's time limit");
        return {};
    }
    status = recorder.failure(id);
    return recorder.result(id);
}

} // namespace limner::engine::test
