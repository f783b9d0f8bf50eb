#include "engine/ml/pipelines/PipelineStopwatch.h"

#include <ATen/ATen.h>

namespace limner::engine::ml {

double PipelineStopwatch::lap(const at::Tensor& last) {
    if (!m_device.is_cpu() && last.defined() && last.numel() > 0)
        (void)last.flatten()[0].item<float>();
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    m_start = now;
    return seconds;
}

} // namespace limner::engine::ml
