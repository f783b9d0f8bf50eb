#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/StateDict.h"

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {

// A diffusers model folder seen by a pipeline: model_index.json (optional) and one sub-folder per
// component, each with its config and its weights in safetensors (single file, fp16 variant or
// sharded with an index). Pickle and TorchScript weights are refused, never opened: they can run
// code.
class PipelineFolder {
public:
    static Status open(const std::string& root, PipelineFolder& out);

    const std::string& root() const { return m_root; }
    // "_class_name" of model_index.json, empty when the folder has none.
    std::string className() const;
    bool hasComponent(const std::string& component) const;
    std::string componentPath(const std::string& component) const { return m_root + "/" + component; }

    // component/fileName parsed as JSON (Python's NaN/Infinity literals accepted).
    Status readJson(const std::string& component, const std::string& fileName,
                    nlohmann::json& out) const;
    // The safetensors files holding the component's weights (one file, or every shard of an
    // index). NotFound when there are none; ModelFormat when only pickle files are there.
    Status weightFiles(const std::string& component, std::vector<std::string>& files) const;
    // Every tensor of the component's weights, floats converted to dtype on device. Inside a
    // RandomWeightScope a component without weight files yields an empty dict (random weights).
    Status loadWeights(const std::string& component, c10::Device device, c10::ScalarType dtype,
                       StateDict& out) const;

private:
    std::string m_root;
    nlohmann::json m_modelIndex;
};

} // namespace limner::engine::ml
