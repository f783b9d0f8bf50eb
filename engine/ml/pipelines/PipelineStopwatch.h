#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <chrono>

namespace limner::engine::ml {

// Times the stages of a run. lap() waits for the stage's last tensor (on a GPU, by reading one
// element, which waits for the queue in order) so the split is real; it is called only at stage
// ends, never inside the denoising loop.
class PipelineStopwatch {
public:
    explicit PipelineStopwatch(c10::Device device)
        : m_device(device)
        , m_start(std::chrono::steady_clock::now()) {}

    // Seconds since the previous lap (or construction).
    double lap(const at::Tensor& last);

private:
    c10::Device m_device;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace limner::engine::ml
