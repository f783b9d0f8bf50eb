#pragma once

#include <functional>
#include <iosfwd>

namespace limner::engine::ml {

// Where one call's time goes, by libtorch operator: runs `call` under libtorch's (legacy)
// profiler and prints each operator's self time (its own time, without the operators it called),
// summed over the call, largest first, then the same by operator and input shapes. The times are
// the calling thread's wall clock, so an operator whose kernel runs on several OpenMP threads
// counts once, as the user waits for it.
class OpProfile {
public:
    static void run(const std::function<void()>& call, std::ostream& out, int top = 30);
};

} // namespace limner::engine::ml
