#pragma once

#include "engine/core/Status.h"
#include "engine/ml/io/Safetensors.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace limner::engine::ml {

// One fixture directory (see tests/data/parity/README.md): its manifest.json and, when present,
// inputs.safetensors and outputs.safetensors. Nothing about a fixture is assumed beyond what
// its manifest says: shapes, step counts and configs come from the files.
class ParityFixture {
public:
    static Status open(const std::string& directory, ParityFixture& out);

    const std::string& directory() const { return m_directory; }
    const std::string& name() const { return m_name; } // the folder name
    const std::string& component() const { return m_component; }
    const nlohmann::json& manifest() const { return m_manifest; }
    double atol() const { return m_atol; }
    double rtol() const { return m_rtol; }
    // Output names from the manifest; every one of them must be checked by the kind.
    const std::vector<std::string>& outputNames() const { return m_outputNames; }
    bool isExactOutput(const std::string& name) const { return m_exactOutputs.count(name) > 0; }

    // Stored dtype, on the CPU. NotFound names the fixture and the tensor.
    Status input(const std::string& name, at::Tensor& out) const;
    Status output(const std::string& name, at::Tensor& out) const;
    bool hasInput(const std::string& name) const { return m_inputs.contains(name); }
    bool hasOutput(const std::string& name) const { return m_outputs.contains(name); }
    const Safetensors& inputs() const { return m_inputs; }
    const Safetensors& outputs() const { return m_outputs; }
    // A path inside the fixture directory.
    std::string path(const std::string& relative) const { return m_directory + "/" + relative; }

private:
    std::string m_directory;
    std::string m_name;
    std::string m_component;
    nlohmann::json m_manifest;
    double m_atol = 0;
    double m_rtol = 0;
    std::vector<std::string> m_outputNames;
    std::set<std::string> m_exactOutputs;
    Safetensors m_inputs;
    Safetensors m_outputs;
};

} // namespace limner::engine::ml
