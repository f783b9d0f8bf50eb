#include "engine/ml/config/ModelFolder.h"

#include "engine/ml/config/JsonFile.h"

#include <filesystem>
#include <fstream>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

const char* const unsafeExtensions[] = {".ckpt", ".bin", ".pt", ".pth", ".pkl", ".pickle"};

Status refuseUnsafe(const std::string& path) {
    return Status::modelFormat(
        path + " is a PyTorch pickle or TorchScript file, which can run arbitrary code when "
               "loaded; Limner only loads .safetensors weights. Download the safetensors version "
               "of the model (most hub models have one) or convert it with the safetensors "
               "conversion tool");
}

} // namespace

Status ModelFolder::open(const std::string& directory, ModelFolder& out) {
    if (!fs::is_directory(directory))
        return Status::notFound("model folder " + directory + " does not exist");
    nlohmann::json index;
    if (Status s = JsonFile::read((fs::path(directory) / "model_index.json").string(), index); !s)
        return s.code() == Status::Code::NotFound
                   ? Status::notFound(directory +
                                      " has no model_index.json: it is not a diffusers pipeline folder")
                   : s;
    if (!index.is_object() || !index.contains("_class_name") || !index["_class_name"].is_string())
        return Status::modelFormat(directory + "/model_index.json has no \"_class_name\"");
    ModelFolder folder;
    folder.m_directory = directory;
    folder.m_pipelineClass = index["_class_name"].get<std::string>();
    for (auto it = index.begin(); it != index.end(); ++it) {
        if (it.key().empty() || it.key()[0] == '_')
            continue;
        // Components are ["library", "Class"]; null entries are optional parts left out.
        const auto& v = it.value();
        if (v.is_array() && v.size() == 2 && v[0].is_null() && v[1].is_null())
            continue;
        if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_string())
            continue; // other keys are pipeline options (requires_safety_checker, ...)
        if (it.key().find('/') != std::string::npos || it.key().find("..") != std::string::npos)
            return Status::modelFormat(
                directory + "/model_index.json names a component outside the folder: " + it.key());
        Component c{it.key(), v[0].get<std::string>(), v[1].get<std::string>(),
                    (fs::path(directory) / it.key()).string()};
        if (!fs::is_directory(c.path))
            return Status::notFound("model folder " + directory + " lacks the \"" + c.name +
                                    "\" sub-folder that model_index.json lists");
        folder.m_components.push_back(std::move(c));
    }
    out = std::move(folder);
    return Status::ok();
}

const ModelFolder::Component* ModelFolder::component(const std::string& name) const {
    for (const auto& c : m_components) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

Status ModelFolder::readConfig(const std::string& componentDirectory, nlohmann::json& out) {
    for (const char* name : {"config.json", "scheduler_config.json"}) {
        const fs::path path = fs::path(componentDirectory) / name;
        if (fs::exists(path))
            return JsonFile::read(path.string(), out);
    }
    return Status::notFound(componentDirectory + " has neither config.json nor scheduler_config.json");
}

Status ModelFolder::checkWeightsFile(const std::string& path) {
    const std::string extension = fs::path(path).extension().string();
    for (const char* unsafe : unsafeExtensions) {
        if (extension == unsafe)
            return refuseUnsafe(path);
    }
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        return Status::notFound("cannot read " + path);
    unsigned char magic[4] = {};
    stream.read(reinterpret_cast<char*>(magic), 4);
    // A pickle starts with the PROTO opcode 0x80; torch.save and TorchScript write zip archives.
    if (stream.gcount() >= 2 && (magic[0] == 0x80 || (magic[0] == 'P' && magic[1] == 'K')))
        return refuseUnsafe(path);
    return Status::ok();
}

Status ModelFolder::findWeights(const std::string& componentDirectory, std::string& path) {
    for (const char* name : {"diffusion_pytorch_model.safetensors", "model.safetensors",
                             "diffusion_pytorch_model.fp16.safetensors", "model.fp16.safetensors"}) {
        const fs::path candidate = fs::path(componentDirectory) / name;
        if (fs::exists(candidate)) {
            if (Status s = checkWeightsFile(candidate.string()); !s)
                return s;
            path = candidate.string();
            return Status::ok();
        }
    }
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(componentDirectory, error)) {
        const std::string extension = entry.path().extension().string();
        for (const char* unsafe : unsafeExtensions) {
            if (extension == unsafe)
                return refuseUnsafe(entry.path().string());
        }
    }
    return Status::notFound(componentDirectory + " holds no diffusion_pytorch_model.safetensors or "
                                                 "model.safetensors weights");
}

} // namespace limner::engine::ml
