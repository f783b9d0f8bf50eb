#pragma once

#include <string>

namespace limner::engine::ml {

// How libtorch computes on this CPU: how many threads its operators use and which number
// formats the CPU computes fast.
//
// Threads: Debian's libtorch starts with one OpenMP thread (oneDNN's convolutions and the
// element-wise kernels on one core) while OpenBLAS's float32 products use a pool of its own, a
// thread per core. Both pools spin-wait between parallel regions by default (libgomp for about
// 300 000 spins, OpenBLAS for 2^28 cycles), so two pools on the same cores fight, and on a busy
// machine OpenMP's threads wait for each other's time slices: measured on 2 cores in 2026-12
// (limner-mini's 30-step job 53 s against 4.5 s, a real-size UNet call 1.06-1.9x the time).
// Both libraries read their waiting policy from the environment once, when they are loaded, so
// the executables call startProcess() first thing in main(): unless the user chose a policy it
// sets OMP_WAIT_POLICY=PASSIVE and OPENBLAS_THREAD_TIMEOUT=4 (threads sleep as soon as their
// work ends) and runs itself again. With waiting threads that sleep, applyUserChoice() gives
// both pools every core: a float32 UNet call 0.46-0.50x the time of one OpenMP thread (SD 1.5
// and unet-mid, with the blocked attention and packed convolutions; limner-bench --compare).
// Without it (an executable that did not call startProcess(), a user's own OMP_WAIT_POLICY)
// the engine keeps libtorch's defaults. LIMNER_THREADS=N sets N threads in either case.
// bf16: AVX-512 BF16 (vdpbf16ps) or AMX-BF16 let oneDNN run bfloat16 convolutions and products
// at about three times the float32 rate, with float32 accumulation; without them bfloat16 is
// emulated and slower than float32. hasFastBfloat16() reads CPUID (x86-64 only; false elsewhere).
class CpuCompute {
public:
    // First thing in main(): where neither OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set, sets the
    // sleeping wait policies described above and replaces the process with a fresh run of the
    // same executable and arguments (execv of /proc/self/exe); returns when nothing needed doing
    // or the exec failed (then nothing changed). LIMNER_KEEP_WAIT_POLICY=1 skips it.
    static void startProcess(char** argv);
    // Whether OpenMP's threads sleep while they wait (OMP_WAIT_POLICY=passive when loaded).
    static bool threadsSleepWhileWaiting();
    // LIMNER_THREADS=N: libtorch's OpenMP threads N, and OpenBLAS's N where threads sleep while
    // waiting, else 1. Unset: every usable core for both where threads sleep while waiting,
    // libtorch's defaults otherwise. Returns libtorch's intra-op threads afterwards.
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
