#pragma once

#include "engine/ml/nn/StateDict.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>
#include <string>

namespace limner::tests {

// One model fixture of tests/data/parity (or $LIMNER_PARITY_DIR): its manifest, config, weights,
// inputs and expected outputs, all on the CPU in their stored dtypes.
class ParityFixture {
public:
    static std::string rootDir();
    // Loads <root>/<name>; throws std::runtime_error with the reason when anything is missing.
    explicit ParityFixture(const std::string& name);

    const nlohmann::json& config() const { return m_config; }
    const engine::ml::StateDict& weights() const { return m_weights; }
    at::Tensor input(const std::string& name) const;
    at::Tensor expected(const std::string& name) const;
    bool hasOutput(const std::string& name) const { return m_outputs.count(name) != 0; }

    // Largest |got - expected| - (atol + rtol |expected|) over all elements; <= 0 passes.
    double excess(const std::string& name, const at::Tensor& got) const;
    std::string report(const std::string& name, const at::Tensor& got) const;

private:
    std::string m_dir;
    nlohmann::json m_manifest;
    nlohmann::json m_config;
    engine::ml::StateDict m_weights;
    engine::ml::StateDict m_inputs;
    engine::ml::StateDict m_outputs;
    double m_atol = 1e-4;
    double m_rtol = 1e-4;
};

} // namespace limner::tests
