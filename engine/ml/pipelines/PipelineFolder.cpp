#include "engine/ml/pipelines/PipelineFolder.h"

#include "engine/ml/config/JsonFile.h"
#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/RandomWeightScope.h"

#include <filesystem>
#include <set>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

Status loadFile(const fs::path& path, c10::Device device, c10::ScalarType dtype, StateDict& out) {
    Safetensors file;
    if (Status s = Safetensors::open(path.string(), file); !s)
        return s;
    StateDict part;
    if (Status s = file.loadAll(part, dtype, device); !s)
        return s;
    for (auto& [name, tensor] : part) {
        if (!out.emplace(name, std::move(tensor)).second)
            return Status::modelFormat("tensor '" + name + "' appears in two weight files of " +
                                       path.parent_path().string());
    }
    return Status::ok();
}

// A sharded checkpoint: "weight_map" of the index names the shard of every tensor.
Status shardsOf(const fs::path& index, std::set<std::string>& shards) {
    nlohmann::json json;
    if (Status s = JsonFile::read(index.string(), json); !s)
        return s;
    const auto map = json.find("weight_map");
    if (map == json.end() || !map->is_object())
        return Status::modelFormat(index.string() + " has no \"weight_map\" object");
    for (const auto& [name, file] : map->items()) {
        if (!file.is_string())
            return Status::modelFormat(index.string() + ": the shard of '" + name +
                                       "' is not a file name");
        const std::string shard = file.get<std::string>();
        if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos)
            return Status::modelFormat(index.string() + " names a shard outside its folder: " + shard);
        shards.insert(shard);
    }
    return Status::ok();
}

} // namespace

Status PipelineFolder::open(const std::string& root, PipelineFolder& out) {
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return Status::notFound("model folder " + root + " does not exist or is not a folder");
    PipelineFolder folder;
    folder.m_root = root;
    const fs::path index = fs::path(root) / "model_index.json";
    if (isFile(index)) {
        if (Status s = JsonFile::read(index.string(), folder.m_modelIndex); !s)
            return s;
    }
    out = std::move(folder);
    return Status::ok();
}

std::string PipelineFolder::className() const {
    const auto it = m_modelIndex.find("_class_name");
    return m_modelIndex.is_object() && it != m_modelIndex.end() && it->is_string()
               ? it->get<std::string>()
               : std::string();
}

bool PipelineFolder::hasComponent(const std::string& component) const {
    std::error_code ec;
    return fs::is_directory(componentPath(component), ec);
}

Status PipelineFolder::readJson(const std::string& component, const std::string& fileName,
                                nlohmann::json& out) const {
    const fs::path path = fs::path(componentPath(component)) / fileName;
    if (!isFile(path))
        return Status::notFound("model folder " + m_root + " lacks " + component + "/" + fileName);
    return JsonFile::read(path.string(), out);
}

Status PipelineFolder::weightFiles(const std::string& component,
                                   std::vector<std::string>& files) const {
    const fs::path dir = componentPath(component);
    files.clear();
    for (const char* name : {"diffusion_pytorch_model.safetensors", "model.safetensors",
                             "diffusion_pytorch_model.fp16.safetensors", "model.fp16.safetensors"}) {
        if (isFile(dir / name)) {
            files.push_back((dir / name).string());
            return Status::ok();
        }
    }
    for (const char* name :
         {"diffusion_pytorch_model.safetensors.index.json", "model.safetensors.index.json"}) {
        if (isFile(dir / name)) {
            std::set<std::string> shards;
            if (Status s = shardsOf(dir / name, shards); !s)
                return s;
            for (const std::string& shard : shards)
                files.push_back((dir / shard).string());
            return Status::ok();
        }
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string ext = entry.path().extension().string();
        if (ext == ".bin" || ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".pkl")
            return Status::modelFormat(
                component + " has its weights only as " + entry.path().filename().string() +
                ", a pickle/TorchScript file that can run code and is never loaded; convert it to "
                "safetensors (for example with diffusers' save_pretrained(safe_serialization=True))");
    }
    return Status::notFound("model folder " + m_root + " has no safetensors weights in " + component +
                            "/ (expected diffusion_pytorch_model.safetensors or model.safetensors)");
}

Status PipelineFolder::loadWeights(const std::string& component, c10::Device device,
                                   c10::ScalarType dtype, StateDict& out) const {
    out.clear();
    std::vector<std::string> files;
    const Status found = weightFiles(component, files);
    // Benchmarks build models of real sizes from configs alone: the modules draw random weights.
    if (found.code() == Status::Code::NotFound && RandomWeightScope::current())
        return Status::ok();
    if (!found)
        return found;
    for (const std::string& file : files) {
        if (Status s = loadFile(file, device, dtype, out); !s)
            return s;
    }
    return Status::ok();
}

} // namespace limner::engine::ml
