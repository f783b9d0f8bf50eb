#pragma once

#include "engine/imaging/ClassicalFill.h"
#include "engine/service/InpaintBackend.h"

namespace limner::engine {

// The OpenCV fills (Telea, Navier–Stokes, xphoto FSR) as a backend: any region size, one step
// per candidate. They ignore the prompt; candidates differ through imaging::classicalFill()'s
// variant (the candidate index): a wider inpaint radius for Telea and Navier–Stokes, a shifted
// block grid for FSR.
class ClassicalInpaintBackend : public InpaintBackend {
public:
    ClassicalInpaintBackend(imaging::ClassicalFillMethod method, std::string name, std::string label);

    std::string name() const override { return m_name; }
    std::string label() const override { return m_label; }
    BackendGeometry geometry() const override { return {}; }
    int stepsPerCandidate(const InpaintRequest&) const override { return 1; }
    Status fill(const FillInput& input, StepMonitor& monitor, Image& filled) override;

private:
    imaging::ClassicalFillMethod m_method;
    std::string m_name;
    std::string m_label;
};

} // namespace limner::engine
