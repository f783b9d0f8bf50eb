#pragma once

#include <algorithm>
#include <ctime>
#include <vector>

namespace limner::engine::ml {

// The clocks limner-bench reads beside wall time.
struct BenchClock {
    // CPU seconds this process has used, all threads together. On a machine shared with other
    // work the wall times stretch, but CPU time / threads stays near what an idle machine takes.
    static double cpuSeconds() {
        timespec t{};
        ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
    }

    static double median(std::vector<double> v) {
        std::sort(v.begin(), v.end());
        const std::size_t n = v.size();
        return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }
};

} // namespace limner::engine::ml
