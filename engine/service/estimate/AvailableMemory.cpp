#include "engine/service/estimate/AvailableMemory.h"

#include <atomic>
#include <fstream>
#include <mutex>
#include <string>
#include <utility>

namespace limner::engine {

namespace {

struct State {
    std::mutex mutex;
    std::function<MemoryAvailable()> source;
    std::atomic<std::uint64_t> deviceFree{0};
};

State& state() {
    static State s;
    return s;
}

} // namespace

MemoryAvailable AvailableMemory::now() {
    State& s = state();
    {
        const std::lock_guard<std::mutex> lock(s.mutex);
        if (s.source)
            return s.source();
    }
    return {hostAvailable(), s.deviceFree.load()};
}

void AvailableMemory::setDeviceFree(std::uint64_t bytes) {
    state().deviceFree.store(bytes);
}

void AvailableMemory::setSourceForTests(std::function<MemoryAvailable()> source) {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    s.source = std::move(source);
}

std::uint64_t AvailableMemory::hostAvailable() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key, unit;
    std::uint64_t kib = 0;
    while (meminfo >> key >> kib >> unit) {
        if (key == "MemAvailable:")
            return kib * 1024;
    }
    return 0;
}

} // namespace limner::engine
