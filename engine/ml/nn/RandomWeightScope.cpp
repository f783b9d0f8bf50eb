#include "engine/ml/nn/RandomWeightScope.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <cmath>

namespace limner::engine::ml {

namespace {

thread_local RandomWeightScope* t_current = nullptr;

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isNormName(const std::string& name) {
    return name.find("norm") != std::string::npos || name.find("ln_") != std::string::npos ||
           name.find("layernorm") != std::string::npos;
}

} // namespace

RandomWeightScope::RandomWeightScope(std::uint64_t seed)
    : m_generator(at::detail::createCPUGenerator(seed))
    , m_outer(t_current) {
    t_current = this;
}

RandomWeightScope::~RandomWeightScope() {
    t_current = m_outer;
}

RandomWeightScope* RandomWeightScope::current() {
    return t_current;
}

at::Tensor RandomWeightScope::make(const std::string& name, const std::vector<std::int64_t>& shape) {
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
    m_parameterCount += t.numel();
    if (shape.size() >= 2) {
        std::int64_t fanIn = 1;
        for (std::size_t i = 1; i < shape.size(); ++i)
            fanIn *= shape[i];
        t.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(std::max<std::int64_t>(1, fanIn))),
                  m_generator);
    } else if (endsWith(name, "weight") && isNormName(name)) {
        t.normal_(1.0, 0.1, m_generator);
    } else if (endsWith(name, "bias")) {
        t.normal_(0.0, 0.05, m_generator);
    } else {
        t.normal_(0.0, 0.5, m_generator);
    }
    if (m_record)
        (*m_record)[name] = t;
    return t;
}

} // namespace limner::engine::ml
