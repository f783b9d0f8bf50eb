#include "engine/service/ClassicalInpaintBackend.h"

#include <utility>

namespace limner::engine {

ClassicalInpaintBackend::ClassicalInpaintBackend(imaging::ClassicalFillMethod method, std::string name,
                                                 std::string label)
    : m_method(method)
    , m_name(std::move(name))
    , m_label(std::move(label)) {}

Status ClassicalInpaintBackend::fill(const FillInput& input, StepMonitor& monitor, Image& filled) {
    if (monitor.stopRequested())
        return Status::cancelled();
    const Status status =
        imaging::classicalFill(m_method, input.crop, input.denoiseMask, input.candidateIndex, filled);
    if (status)
        monitor.stepDone(filled);
    return status;
}

} // namespace limner::engine
