#include "engine/ml/nn/CpuCompute.h"

#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <ATen/Parallel.h>
#include <cstdlib>
#include <optional>
#include <string>

using limner::engine::ml::CpuCompute;

namespace {

// One environment variable set (or unset) for a scope, restored afterwards.
class Environment {
public:
    Environment(const char* name, const char* value)
        : m_name(name) {
        if (const char* old = std::getenv(name))
            m_old = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~Environment() {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("The engine computes on every core only where waiting threads sleep", "[ml][nn][threads]") {
    const int before = at::get_num_threads();
    {
        // Started as the editor starts (CpuCompute::startProcess): every core, or LIMNER_THREADS.
        const Environment policy("OMP_WAIT_POLICY", "passive");
        const Environment unset("LIMNER_THREADS", nullptr);
        CHECK(CpuCompute::threadsSleepWhileWaiting());
        CHECK(CpuCompute::applyUserChoice() == CpuCompute::usableCores());
        const Environment one("LIMNER_THREADS", "1");
        CHECK(CpuCompute::applyUserChoice() == 1);
    }
    at::set_num_threads(1);
    {
        // Spinning waits (a process that did not start that way): libtorch's own settings.
        const Environment policy("OMP_WAIT_POLICY", nullptr);
        const Environment unset("LIMNER_THREADS", nullptr);
        CHECK_FALSE(CpuCompute::threadsSleepWhileWaiting());
        CHECK(CpuCompute::applyUserChoice() == 1);
        const Environment three("LIMNER_THREADS", "3");
        CHECK(CpuCompute::applyUserChoice() == 3);
        const Environment nonsense("LIMNER_THREADS", "many");
        at::set_num_threads(1);
        CHECK(CpuCompute::applyUserChoice() == 1);
    }
    CpuCompute::setThreads(before, CpuCompute::usableCores());
}
