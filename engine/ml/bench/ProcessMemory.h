#pragma once

#include <cstdint>

namespace limner::engine::ml {

// This process's resident memory as Linux reports it in /proc/self/status, for limner-bench:
// the peak (VmHWM) counts every page that was resident at once since the start or the last
// resetPeak(), anonymous (tensors) and file-backed (mapped weight files) alike.
// Elsewhere (no /proc) every figure is 0 and resetPeak() returns false.
class ProcessMemory {
public:
    struct Figures {
        std::uint64_t peak = 0;      // VmHWM
        std::uint64_t resident = 0;  // VmRSS
        std::uint64_t anonymous = 0; // RssAnon
        std::uint64_t file = 0;      // RssFile
    };
    static Figures now();
    // Sets the peak to the present resident size (writes "5" to /proc/self/clear_refs).
    static bool resetPeak();
    // Returns the free memory malloc keeps to the system (glibc's malloc_trim); false where
    // there is no such call.
    static bool trimHeap();
    // Bytes as "6.42 GiB".
    static const char* gib(std::uint64_t bytes, char (&buffer)[32]);
};

} // namespace limner::engine::ml
