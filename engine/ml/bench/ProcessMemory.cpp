#include "engine/ml/bench/ProcessMemory.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string>

namespace limner::engine::ml {

ProcessMemory::Figures ProcessMemory::now() {
    Figures f;
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        const auto field = [&](const char* name, std::uint64_t& out) {
            const std::size_t n = std::strlen(name);
            if (line.compare(0, n, name) == 0)
                out = std::stoull(line.substr(n)) * 1024; // "VmHWM:   123456 kB"
        };
        field("VmHWM:", f.peak);
        field("VmRSS:", f.resident);
        field("RssAnon:", f.anonymous);
        field("RssFile:", f.file);
    }
    return f;
}

bool ProcessMemory::resetPeak() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return static_cast<bool>(clear);
}

bool ProcessMemory::trimHeap() {
#ifdef __GLIBC__
    ::malloc_trim(0);
    return true;
#else
    return false;
#endif
}

const char* ProcessMemory::gib(std::uint64_t bytes, char (&buffer)[32]) {
    std::snprintf(buffer, sizeof buffer, "%.2f GiB",
                  static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
    return buffer;
}

} // namespace limner::engine::ml
