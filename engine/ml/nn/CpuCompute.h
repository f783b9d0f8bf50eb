#pragma once

#include <string>

namespace limner::engine::ml {

// How libtorch computes on this CPU: how many threads its operators use and which number
// formats the CPU computes fast.
//
// Threads: Debian's libtorch starts with one OpenMP thread, so oneDNN's convolutions and the
// element-wise kernels ran on one core, while OpenBLAS's float32 products ran on a pool of its
// own with a thread per core that keeps spinning between products. Giving OpenMP every core as
// well made both pools fight over the cores (a float32 UNet call 1.06-1.9 times slower on two
// cores). useAllCores() gives libtorch's OpenMP threads the cores this process may run on and
// OpenBLAS one thread (its products then run between the parallel convolutions, not against
// them): 0.77-0.84 of the float32 time measured side by side. A count the user chose through
// LIMNER_THREADS (or OMP_NUM_THREADS) wins. Call it once, before the first operator; it applies
// to every thread that computes afterwards.
//
// bf16: AVX-512 BF16 (vdpbf16ps) or AMX-BF16 let oneDNN run bfloat16 convolutions and products
// at about three times the float32 rate, with float32 accumulation; without them bfloat16 is
// emulated and slower than float32. hasFastBfloat16() reads CPUID (x86-64 only; false elsewhere).
class CpuCompute {
public:
    // The threads chosen: LIMNER_THREADS, else OMP_NUM_THREADS, else the usable cores.
    static int useAllCores();
    static int usableCores();

    static bool hasAvx512Bf16();
    static bool hasAmxBf16();
    static bool hasFastBfloat16() { return hasAvx512Bf16() || hasAmxBf16(); }
    // One line for the model page and the logs: "AVX-512 BF16", "AMX-BF16", or "none".
    static std::string bfloat16Support();
};

} // namespace limner::engine::ml
