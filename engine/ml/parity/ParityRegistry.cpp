#include "engine/ml/parity/ParityRegistry.h"

namespace limner::engine::ml {

bool ParityRegistry::add(const std::string& component, Kind kind) {
    return m_kinds.emplace(component, std::move(kind)).second;
}

const ParityRegistry::Kind* ParityRegistry::find(const std::string& component) const {
    const auto it = m_kinds.find(component);
    return it == m_kinds.end() ? nullptr : &it->second;
}

std::vector<std::string> ParityRegistry::components() const {
    std::vector<std::string> result;
    for (const auto& [name, kind] : m_kinds)
        result.push_back(name);
    return result;
}

} // namespace limner::engine::ml
