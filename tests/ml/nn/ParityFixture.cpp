#include "tests/ml/nn/ParityFixture.h"

#include "engine/ml/io/Safetensors.h"

#include <ATen/ATen.h>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace limner::tests {

namespace {

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
}

engine::ml::StateDict readTensors(const std::string& path) {
    engine::ml::Safetensors file;
    if (engine::Status s = engine::ml::Safetensors::open(path, file); !s)
        throw std::runtime_error(s.message());
    engine::ml::StateDict out;
    if (engine::Status s = file.loadAll(out, std::nullopt); !s)
        throw std::runtime_error(s.message());
    return out;
}

} // namespace

std::string ParityFixture::rootDir() {
    const char* env = std::getenv("LIMNER_PARITY_DIR");
    if (env && *env)
        return env;
    return std::string(LIMNER_SOURCE_DIR) + "/tests/data/parity";
}

ParityFixture::ParityFixture(const std::string& name)
    : m_dir(rootDir() + "/" + name) {
    m_manifest = readJson(m_dir + "/manifest.json");
    m_config = readJson(m_dir + "/config.json");
    m_weights = readTensors(m_dir + "/weights.safetensors");
    m_inputs = readTensors(m_dir + "/inputs.safetensors");
    m_outputs = readTensors(m_dir + "/outputs.safetensors");
    if (m_manifest.contains("tolerance")) {
        m_atol = m_manifest["tolerance"].value("atol", m_atol);
        m_rtol = m_manifest["tolerance"].value("rtol", m_rtol);
    }
}

at::Tensor ParityFixture::input(const std::string& name) const {
    auto it = m_inputs.find(name);
    if (it == m_inputs.end())
        throw std::runtime_error(m_dir + ": no input '" + name + "'");
    return it->second;
}

at::Tensor ParityFixture::expected(const std::string& name) const {
    auto it = m_outputs.find(name);
    if (it == m_outputs.end())
        throw std::runtime_error(m_dir + ": no output '" + name + "'");
    return it->second;
}

double ParityFixture::excess(const std::string& name, const at::Tensor& got) const {
    const at::Tensor want = expected(name).to(at::kDouble);
    if (!got.defined() || got.sizes() != want.sizes())
        return 1e30;
    const at::Tensor g = got.detach().to(at::kCPU, at::kDouble);
    return (g - want).abs().sub(want.abs() * m_rtol + m_atol).max().item<double>();
}

std::string ParityFixture::report(const std::string& name, const at::Tensor& got) const {
    std::ostringstream s;
    const at::Tensor want = expected(name).to(at::kDouble);
    if (!got.defined() || got.sizes() != want.sizes()) {
        s << name << ": shape " << (got.defined() ? got.sizes() : at::IntArrayRef{}) << " expected "
          << want.sizes();
        return s.str();
    }
    const at::Tensor diff = (got.detach().to(at::kCPU, at::kDouble) - want).abs();
    s << name << ": max abs " << diff.max().item<double>() << ", max rel "
      << (diff / want.abs().clamp_min(1e-12)).max().item<double>() << " (atol " << m_atol << ", rtol "
      << m_rtol << ")";
    return s.str();
}

} // namespace limner::tests
