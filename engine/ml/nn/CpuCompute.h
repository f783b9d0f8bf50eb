#pragma once

#include <string>

namespace limner::engine::ml {

// How libtorch computes on this CPU: how many threads its operators use and which number
// formats the CPU computes fast.
//
// Threads: Debian's libtorch starts with one OpenMP thread (oneDNN's convolutions and the
// element-wise kernels on one core) while OpenBLAS's float32 products use a pool of its own, a
// thread per core, spinning between products. Measured on 2 cores (2026-12-02):
//  - OpenMP on every core as well: both pools fight (a float32 UNet call 1.06-1.9x the time);
//  - OpenMP on every core and OpenBLAS on one: 0.77-0.84x on the real-size UNets of an idle
//    machine, but OpenMP's threads spin-wait at every parallel region, and on a busy machine
//    (or with a small model) they wait for each other's time slices: limner-mini's 30-step job
//    took 53 s against 4.5 s, with 18 s of CPU against 0.9 s.
// So the engine keeps libtorch's defaults (applyUserChoice() does nothing) unless the user sets
// LIMNER_THREADS=N: then OpenMP gets N threads and OpenBLAS one. Call it once, before the first
// operator; it applies to every thread that computes afterwards.
//
// bf16: AVX-512 BF16 (vdpbf16ps) or AMX-BF16 let oneDNN run bfloat16 convolutions and products
// at about three times the float32 rate, with float32 accumulation; without them bfloat16 is
// emulated and slower than float32. hasFastBfloat16() reads CPUID (x86-64 only; false elsewhere).
class CpuCompute {
public:
    // LIMNER_THREADS=N: libtorch's OpenMP threads N, OpenBLAS's 1. Returns libtorch's intra-op
    // threads afterwards.
    static int applyUserChoice();
    // OpenMP threads n, OpenBLAS threads blas (when libtorch uses OpenBLAS).
    static void setThreads(int n, int blas);
    static int usableCores();

    static bool hasAvx512Bf16();
    static bool hasAmxBf16();
    static bool hasFastBfloat16() { return hasAvx512Bf16() || hasAmxBf16(); }
    // One line for the model page and the logs: "AVX-512 BF16", "AMX-BF16", or "none".
    static std::string bfloat16Support();
};

} // namespace limner::engine::ml
