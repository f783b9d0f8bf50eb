#pragma once

#include <ATen/core/Tensor.h>
#include <set>
#include <string>
#include <vector>

namespace limner::engine::ml {

// The verdict on one fixture: every compared output with its worst errors. A kind calls
// compare() once per output it produced; the runner fails the fixture when a manifest output
// was never compared, so nothing is skipped silently.
class ParityResult {
public:
    // Float comparison with numpy's allclose rule |got - expected| <= atol + rtol * |expected|,
    // done in float64 on the CPU. Integer tensors, or exact == true, must match exactly.
    void compare(const std::string& name, const at::Tensor& got, const at::Tensor& expected,
                 double atol, double rtol, bool exact = false);
    // The same rule widened per element by `allowance` (same shape as expected, >= 0): for an
    // output computed downstream of another, already accepted output through an ill-conditioned
    // function, the allowance is how far that accepted difference alone moves each element.
    // Values that pass only thanks to the allowance are counted in a note, never hidden.
    void compareWithAllowance(const std::string& name, const at::Tensor& got,
                              const at::Tensor& expected, double atol, double rtol,
                              const at::Tensor& allowance);
    void fail(const std::string& message);
    void note(const std::string& message);

    bool passed() const { return m_failures.empty(); }
    // Largest |got - expected| and |got - expected| / max(|expected|, atol) over all outputs.
    double maxAbsError() const { return m_maxAbs; }
    double maxRelError() const { return m_maxRel; }
    const std::vector<std::string>& failures() const { return m_failures; }
    const std::vector<std::string>& notes() const { return m_notes; }
    const std::set<std::string>& compared() const { return m_compared; }

private:
    std::vector<std::string> m_failures;
    std::vector<std::string> m_notes;
    std::set<std::string> m_compared;
    double m_maxAbs = 0;
    double m_maxRel = 0;
};

} // namespace limner::engine::ml
