#include "engine/ml/bench/DeviceMemory.h"

#include <ATen/ATen.h>
#ifdef LIMNER_BENCH_CUDA_ALLOCATOR_STATS
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace limner::engine::ml {

#ifdef LIMNER_BENCH_CUDA_ALLOCATOR_STATS

namespace {

c10::DeviceIndex indexOf(c10::Device device) {
    return device.has_index() ? device.index() : c10::cuda::current_device();
}

// Stat arrays are indexed by pool; entry 0 is the aggregate of all pools (StatType::AGGREGATE,
// whose namespace moved between libtorch versions).
template <typename Stats>
DeviceMemory::Figures figures(const Stats& stats, bool peak) {
    const auto& allocated = stats.allocated_bytes[0];
    const auto& reserved = stats.reserved_bytes[0];
    DeviceMemory::Figures f;
    f.allocated = static_cast<std::uint64_t>(peak ? allocated.peak : allocated.current);
    f.reserved = static_cast<std::uint64_t>(peak ? reserved.peak : reserved.current);
    return f;
}

} // namespace

bool DeviceMemory::available(c10::Device device) {
    return device.is_cuda();
}

DeviceMemory::Figures DeviceMemory::current(c10::Device device) {
    if (!device.is_cuda())
        return {};
    return figures(c10::cuda::CUDACachingAllocator::getDeviceStats(indexOf(device)), false);
}

DeviceMemory::Figures DeviceMemory::peak(c10::Device device) {
    if (!device.is_cuda())
        return {};
    return figures(c10::cuda::CUDACachingAllocator::getDeviceStats(indexOf(device)), true);
}

void DeviceMemory::resetPeak(c10::Device device) {
    if (device.is_cuda())
        c10::cuda::CUDACachingAllocator::resetPeakStats(indexOf(device));
}

void DeviceMemory::synchronize(c10::Device device) {
    if (device.is_cuda())
        c10::cuda::device_synchronize();
    else if (!device.is_cpu())
        (void)at::zeros({1}, at::TensorOptions().device(device)).item<float>();
}

#else

bool DeviceMemory::available(c10::Device) {
    return false;
}

DeviceMemory::Figures DeviceMemory::current(c10::Device) {
    return {};
}

DeviceMemory::Figures DeviceMemory::peak(c10::Device) {
    return {};
}

void DeviceMemory::resetPeak(c10::Device) {}

// Reading one element back waits for everything queued before it on the device's stream.
void DeviceMemory::synchronize(c10::Device device) {
    if (!device.is_cpu())
        (void)at::zeros({1}, at::TensorOptions().device(device)).item<float>();
}

#endif

} // namespace limner::engine::ml
