#include "engine/ml/parity/ParityResult.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <sstream>

namespace limner::engine::ml {

namespace {

std::string shapeText(const at::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

} // namespace

void ParityResult::fail(const std::string& message) {
    m_failures.push_back(message);
}

void ParityResult::compare(const std::string& name, const at::Tensor& got, const at::Tensor& expected,
                           double atol, double rtol, bool exact) {
    m_compared.insert(name);
    if (!got.defined()) {
        fail(name + ": not produced");
        return;
    }
    if (got.sizes() != expected.sizes()) {
        fail(name + ": shape " + shapeText(got) + ", expected " + shapeText(expected));
        return;
    }
    if (got.numel() == 0)
        return;
    const bool integer = !at::isFloatingType(expected.scalar_type()) || exact;
    const at::Tensor g = got.detach().to(at::kCPU).to(at::kDouble);
    const at::Tensor e = expected.detach().to(at::kCPU).to(at::kDouble);
    const at::Tensor diff = (g - e).abs();
    if (!g.isfinite().all().item<bool>()) {
        fail(name + ": holds NaN or infinity");
        m_maxAbs = std::numeric_limits<double>::infinity();
        return;
    }
    const double maxAbs = diff.max().item<double>();
    const double maxRel = (diff / e.abs().clamp_min(std::max(atol, 1e-12))).max().item<double>();
    m_maxAbs = std::max(m_maxAbs, maxAbs);
    m_maxRel = std::max(m_maxRel, maxRel);
    if (integer) {
        if (maxAbs != 0) {
            const auto bad = diff.ne(0).sum().item<std::int64_t>();
            fail(name + ": " + std::to_string(bad) + " of " + std::to_string(e.numel()) +
                 " values differ (must match exactly)");
        }
        return;
    }
    const at::Tensor over = diff.gt(atol + rtol * e.abs());
    if (over.any().item<bool>()) {
        const auto bad = over.sum().item<std::int64_t>();
        std::ostringstream s;
        s << name << ": " << bad << " of " << e.numel() << " values outside tolerance, max abs error "
          << maxAbs;
        fail(s.str());
    }
}

} // namespace limner::engine::ml
