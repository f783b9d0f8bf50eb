#include "engine/service/model/DeviceProbe.h"

#include "engine/ml/nn/CpuCompute.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <c10/core/InferenceMode.h>
#include <chrono>
#include <cstddef>
#include <dlfcn.h>
#include <torch/version.h>

namespace limner::engine {

namespace {

c10::ScalarType scalarType(const std::string& dtype) {
    if (dtype == "float16")
        return c10::kHalf;
    if (dtype == "bfloat16")
        return c10::kBFloat16;
    return c10::kFloat;
}

} // namespace

bool DeviceProbe::cudaAvailable() {
    return at::hasCUDA();
}

ComputeDevices DeviceProbe::devices() {
    ComputeDevices d;
    d.cuda = cudaAvailable();
    d.cpuBfloat16 = ml::CpuCompute::hasFastBfloat16();
    return d;
}

double DeviceProbe::gemmRate(const RunChoice& choice) {
    using Clock = std::chrono::steady_clock;
    try {
        c10::InferenceMode inference;
        const bool gpu = choice.onGpu();
        if (gpu && !at::hasCUDA())
            return 0;
        const at::TensorOptions options =
            at::TensorOptions()
                .device(gpu ? c10::Device(c10::kCUDA) : c10::Device(c10::kCPU))
                .dtype(scalarType(choice.dtype));
        // Large enough to reach the device's rate, small enough for a slow reference BLAS
        // (5 GFLOP/s: 54 ms a product on the CPU).
        const std::int64_t n = gpu ? 4096 : 512;
        const at::Tensor a = at::randn({n, n}, options);
        const at::Tensor b = at::randn({n, n}, options);
        // Reading one value waits for the device to finish.
        const auto finish = [](const at::Tensor& t) {
            (void)t[0][0].item<double>();
        };
        finish(at::mm(a, b)); // first use: BLAS threads, cuBLAS handles
        const int batch = gpu ? 16 : 1;
        int products = 0;
        double seconds = 0;
        const Clock::time_point start = Clock::now();
        do {
            at::Tensor c;
            for (int i = 0; i < batch; ++i)
                c = at::mm(a, b);
            finish(c);
            products += batch;
            seconds = std::chrono::duration<double>(Clock::now() - start).count();
        } while (seconds < 0.2 && products < 4000);
        return seconds > 0 ? 2.0 * double(n) * double(n) * double(n) * products / seconds : 0.0;
    } catch (...) {
        return 0;
    }
}

std::uint64_t DeviceProbe::freeDeviceMemory() {
#if TORCH_VERSION_MAJOR >= 2
    if (!at::hasCUDA())
        return 0;
    // libtorch links the CUDA runtime but installs no header for it; the runtime's own entry
    // point is found where the dynamic loader put it.
    using MemGetInfo = int (*)(std::size_t*, std::size_t*);
    static const auto memGetInfo = reinterpret_cast<MemGetInfo>(dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
    std::size_t free = 0, total = 0;
    if (!memGetInfo || memGetInfo(&free, &total) != 0)
        return 0;
    return free;
#else
    return 0;
#endif
}

} // namespace limner::engine
