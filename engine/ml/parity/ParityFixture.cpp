#include "engine/ml/parity/ParityFixture.h"

#include <filesystem>
#include <fstream>

namespace limner::engine::ml {

Status ParityFixture::open(const std::string& directory, ParityFixture& out) {
    namespace fs = std::filesystem;
    ParityFixture fixture;
    fixture.m_directory = directory;
    fixture.m_name = fs::path(directory).filename().string();
    std::ifstream stream(fs::path(directory) / "manifest.json");
    if (!stream)
        return Status::notFound("fixture " + directory + " has no readable manifest.json");
    fixture.m_manifest = nlohmann::json::parse(stream, nullptr, /*allow_exceptions=*/false);
    const auto& m = fixture.m_manifest;
    if (!m.is_object() || !m.contains("component") || !m["component"].is_string())
        return Status::badInput("fixture " + directory +
                                ": manifest.json is not an object with a \"component\"");
    fixture.m_component = m["component"].get<std::string>();
    const auto tolerance = m.find("tolerance");
    if (tolerance == m.end() || !tolerance->is_object() || !tolerance->contains("atol") ||
        !tolerance->contains("rtol") || !(*tolerance)["atol"].is_number() ||
        !(*tolerance)["rtol"].is_number())
        return Status::badInput("fixture " + directory +
                                ": manifest.json lacks tolerance.atol / tolerance.rtol");
    fixture.m_atol = (*tolerance)["atol"].get<double>();
    fixture.m_rtol = (*tolerance)["rtol"].get<double>();
    if (const auto outputs = m.find("outputs"); outputs != m.end() && outputs->is_array()) {
        for (const auto& name : *outputs) {
            if (name.is_string())
                fixture.m_outputNames.push_back(name.get<std::string>());
        }
    }
    if (const auto exact = m.find("exact_outputs"); exact != m.end() && exact->is_array()) {
        for (const auto& name : *exact) {
            if (name.is_string())
                fixture.m_exactOutputs.insert(name.get<std::string>());
        }
    }
    for (const auto& [file, target] : {std::pair{"inputs.safetensors", &fixture.m_inputs},
                                       std::pair{"outputs.safetensors", &fixture.m_outputs}}) {
        const fs::path path = fs::path(directory) / file;
        if (!fs::exists(path))
            continue;
        if (Status s = Safetensors::open(path.string(), *target); !s)
            return s;
    }
    if (!fixture.m_outputNames.empty() && fixture.m_outputs.names().empty())
        return Status::notFound("fixture " + directory +
                                " lists outputs but has no outputs.safetensors");
    out = std::move(fixture);
    return Status::ok();
}

Status ParityFixture::input(const std::string& name, at::Tensor& out) const {
    if (!m_inputs.contains(name))
        return Status::notFound("fixture " + m_name + " has no input tensor \"" + name + "\"");
    return m_inputs.tensor(name, out);
}

Status ParityFixture::output(const std::string& name, at::Tensor& out) const {
    if (!m_outputs.contains(name))
        return Status::notFound("fixture " + m_name + " has no output tensor \"" + name + "\"");
    return m_outputs.tensor(name, out);
}

} // namespace limner::engine::ml
