#pragma once

#include <c10/core/Device.h>
#include <cstdint>

namespace limner::engine::ml {

// The memory of the GPU a benchmark runs on, as libtorch's CUDA caching allocator counts it:
// bytes held by tensors (allocated) and bytes the allocator holds from the driver (reserved, what
// other programs cannot use), now and at the peak since the last resetPeak().
// The figures exist only in builds against a CUDA libtorch with the CUDA runtime's headers
// (LIMNER_BENCH_CUDA_ALLOCATOR_STATS); elsewhere available() is false and every figure is 0.
class DeviceMemory {
public:
    struct Figures {
        std::uint64_t allocated = 0;
        std::uint64_t reserved = 0;
    };
    static bool available(c10::Device device);
    static Figures current(c10::Device device);
    static Figures peak(c10::Device device);
    static void resetPeak(c10::Device device);
    // Waits until the work queued on the device has run (nothing to wait for on the CPU), so a
    // clock read afterwards times the work rather than its queueing.
    static void synchronize(c10::Device device);
};

} // namespace limner::engine::ml
