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

void ParityResult::note(const std::string& message) {
    m_notes.push_back(message);
}

void ParityResult::compareWithAllowance(const std::string& name, const at::Tensor& got,
                                        const at::Tensor& expected, double atol, double rtol,
                                        const at::Tensor& allowance) {
    if (!got.defined() || got.sizes() != expected.sizes() || !allowance.defined() ||
        allowance.sizes() != expected.sizes()) {
        compare(name, got, expected, atol, rtol);
        return;
    }
    const at::Tensor g = got.detach().to(at::kCPU).to(at::kDouble);
    const at::Tensor e = expected.detach().to(at::kCPU).to(at::kDouble);
    const at::Tensor a = allowance.detach().to(at::kCPU).to(at::kDouble).clamp_min(0);
    const at::Tensor diff = (g - e).abs();
    const at::Tensor plain = atol + rtol * e.abs();
    const at::Tensor widened = diff.gt(plain) & diff.le(plain + a);
    // Compared on the widened rule; the plain errors still feed max abs / max rel.
    m_compared.insert(name);
    if (!g.isfinite().all().item<bool>()) {
        fail(name + ": holds NaN or infinity");
        m_maxAbs = std::numeric_limits<double>::infinity();
        return;
    }
    m_maxAbs = std::max(m_maxAbs, diff.max().item<double>());
    m_maxRel =
        std::max(m_maxRel, (diff / e.abs().clamp_min(std::max(atol, 1e-12))).max().item<double>());
    const at::Tensor over = diff.gt(plain + a);
    if (over.any().item<bool>()) {
        std::ostringstream s;
        s << name << ": " << over.sum().item<std::int64_t>() << " of " << e.numel()
          << " values outside tolerance plus propagation allowance, max abs error "
          << diff.max().item<double>();
        fail(s.str());
    }
    if (widened.any().item<bool>()) {
        std::ostringstream s;
        s << name << ": " << widened.sum().item<std::int64_t>() << " of " << e.numel()
          << " values pass only within the propagation allowance (largest allowance used "
          << (a * widened).max().item<double>() << ", max abs error there "
          << (diff * widened).max().item<double>() << ")";
        note(s.str());
    }
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
