#pragma once

#include "engine/core/Status.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {

// A diffusers pipeline folder as downloaded from the hub: model_index.json naming the pipeline
// class and its components (unet/, vae/ or movq/, scheduler/, text_encoder/, tokenizer/ ...).
//
// Weights are loaded from .safetensors only. Pickle-based files (.ckpt, .bin, .pt, .pth) and
// TorchScript archives can run arbitrary code when loaded, so they are refused with a message
// that says how to get safetensors instead.
class ModelFolder {
public:
    struct Component {
        std::string name;      // the key in model_index.json, also the sub-folder
        std::string library;   // "diffusers", "transformers"
        std::string className; // "UNet2DConditionModel", "CLIPTokenizer", ...
        std::string path;      // the component's folder
    };

    static Status open(const std::string& directory, ModelFolder& out);

    const std::string& directory() const { return m_directory; }
    const std::string& pipelineClass() const { return m_pipelineClass; }
    const std::vector<Component>& components() const { return m_components; }
    const Component* component(const std::string& name) const;

    // The component folder's config: config.json, or scheduler_config.json for schedulers.
    static Status readConfig(const std::string& componentDirectory, nlohmann::json& out);
    // The weights file of a component folder (diffusion_pytorch_model.safetensors or
    // model.safetensors, or their .fp16 variants).
    static Status findWeights(const std::string& componentDirectory, std::string& path);
    // Refuses files that are not safetensors by name or by content (pickles, zip archives).
    static Status checkWeightsFile(const std::string& path);

private:
    std::string m_directory;
    std::string m_pipelineClass;
    std::vector<Component> m_components;
};

} // namespace limner::engine::ml
