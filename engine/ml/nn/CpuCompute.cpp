#include "engine/ml/nn/CpuCompute.h"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <sched.h>
#include <strings.h>
#include <thread>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace limner::engine::ml {

namespace {

int positiveFromEnvironment(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value)
        return 0;
    char* end = nullptr;
    const long n = std::strtol(value, &end, 10);
    return (end && *end == '\0' && n > 0 && n <= 4096) ? static_cast<int>(n) : 0;
}

// CPUID leaf 7, sub-leaf `sub`: the registers, or false when the leaf does not exist.
bool leaf7(unsigned sub, unsigned& eax, unsigned& ebx, unsigned& ecx, unsigned& edx) {
#if defined(__x86_64__) || defined(__i386__)
    if (__get_cpuid_max(0, nullptr) < 7)
        return false;
    __cpuid_count(7, sub, eax, ebx, ecx, edx);
    return true;
#else
    (void)sub, (void)eax, (void)ebx, (void)ecx, (void)edx;
    return false;
#endif
}

// The OS saves the AVX-512 (opmask, ZMM) and, for AMX, the tile state: XCR0 bits 5-7 and 17-18.
bool osSavesState(unsigned long long bits) {
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    __cpuid(1, eax, ebx, ecx, edx);
    if (!(ecx & (1u << 27))) // OSXSAVE
        return false;
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    const unsigned long long xcr0 = (static_cast<unsigned long long>(hi) << 32) | lo;
    return (xcr0 & bits) == bits;
#else
    (void)bits;
    return false;
#endif
}

} // namespace

int CpuCompute::usableCores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    const unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? static_cast<int>(n) : 1;
}

void CpuCompute::setThreads(int n, int blas) {
    at::set_num_threads(std::max(1, n));
    using Setter = void (*)(int);
    if (const auto set = reinterpret_cast<Setter>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(std::max(1, blas));
}

void CpuCompute::startProcess(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT") ||
        std::getenv("LIMNER_KEEP_WAIT_POLICY") || !argv || !argv[0])
        return;
    const bool blasTimeoutSet = std::getenv("OPENBLAS_THREAD_TIMEOUT") != nullptr;
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    if (!blasTimeoutSet)
        ::setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1);
    ::execv("/proc/self/exe", argv);
    // Still here: the exec failed, and this process's libraries keep the settings they read.
    ::unsetenv("OMP_WAIT_POLICY");
    if (!blasTimeoutSet)
        ::unsetenv("OPENBLAS_THREAD_TIMEOUT");
}

bool CpuCompute::threadsSleepWhileWaiting() {
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    return policy && ::strcasecmp(policy, "passive") == 0;
}

int CpuCompute::applyUserChoice() {
    const bool sleeping = threadsSleepWhileWaiting();
    if (const int threads = positiveFromEnvironment("LIMNER_THREADS"); threads > 0)
        setThreads(threads, sleeping ? threads : 1);
    else if (sleeping)
        setThreads(usableCores(), usableCores());
    return at::get_num_threads();
}

bool CpuCompute::hasAvx512Bf16() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!leaf7(0, eax, ebx, ecx, edx) || !(ebx & (1u << 16))) // AVX512F
        return false;
    const unsigned maxSub = eax;
    if (maxSub < 1 || !leaf7(1, eax, ebx, ecx, edx))
        return false;
    return (eax & (1u << 5)) && osSavesState(0xE6ull); // AVX512_BF16; SSE, AVX, opmask, ZMM
}

bool CpuCompute::hasAmxBf16() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!leaf7(0, eax, ebx, ecx, edx))
        return false;
    const bool amxBf16 = edx & (1u << 22), amxTile = edx & (1u << 24);
    return amxBf16 && amxTile && osSavesState((1ull << 17) | (1ull << 18));
}

std::string CpuCompute::bfloat16Support() {
    if (hasAmxBf16())
        return "AMX-BF16";
    if (hasAvx512Bf16())
        return "AVX-512 BF16";
    return "none";
}

} // namespace limner::engine::ml
