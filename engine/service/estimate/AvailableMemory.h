#pragma once

#include <cstdint>
#include <functional>

namespace limner::engine {

// Memory a job may take now; 0 = unknown (then nothing is refused for it).
struct MemoryAvailable {
    std::uint64_t host = 0;   // the computer's: MemAvailable of /proc/meminfo
    std::uint64_t device = 0; // the GPU's free memory, as the engine's worker saw it last
};

// Where the estimate learns how much memory is free. Thread-safe.
class AvailableMemory {
public:
    // The host's figure is read now; the GPU's is the one the worker recorded last (asking the
    // GPU from the GUI thread would create a CUDA context there).
    static MemoryAvailable now();
    // The worker records the GPU's free memory after asking it (before a job, after a probe).
    static void setDeviceFree(std::uint64_t bytes);
    // Tests simulate a machine: while set, now() returns what source says. {} restores the
    // system's figures.
    static void setSourceForTests(std::function<MemoryAvailable()> source);
    // MemAvailable of /proc/meminfo; 0 when it cannot be read.
    static std::uint64_t hostAvailable();
};

} // namespace limner::engine
