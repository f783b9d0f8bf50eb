#pragma once

#include "engine/service/estimate/JobEstimator.h"

#include <cstdint>

namespace limner::engine {

// What the estimate needs to know of the devices libtorch offers.
//
// Requirements: gemmRate() and freeDeviceMemory() run on the engine's worker thread (they use
//   the device); cudaAvailable() is cheap and may run anywhere.
class DeviceProbe {
public:
    static bool cudaAvailable();
    // CUDA, and whether the CPU computes bfloat16 natively (CpuCompute); cheap, any thread.
    static ComputeDevices devices();
    // Multiply-add rate of a short run of square matrix products (about 0.2 s) on the choice's
    // device and dtype, in FLOP/s; 0 when it cannot run there.
    static double gemmRate(const RunChoice& choice);
    // The GPU's free memory (cudaMemGetInfo, found at run time in the CUDA runtime libtorch
    // loaded); 0 on the CPU, with a libtorch before 2.0, or when it cannot be asked.
    static std::uint64_t freeDeviceMemory();
};

} // namespace limner::engine
