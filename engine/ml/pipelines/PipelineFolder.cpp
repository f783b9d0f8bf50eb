#include "engine/ml/pipelines/PipelineFolder.h"

#include "engine/ml/config/HubCache.h"
#include "engine/ml/config/JsonFile.h"
#include "engine/ml/config/ModelCard.h"
#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/RandomWeightScope.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

const char* const pickleExtensions[] = {".ckpt", ".bin", ".pt", ".pth", ".pkl", ".pickle"};
const char* const weightPrefixes[] = {"diffusion_pytorch_model", "model"};

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool isDanglingLink(const fs::path& p) {
    std::error_code ec;
    return fs::is_symlink(fs::symlink_status(p, ec)) && !fs::exists(p, ec);
}

bool isPickleName(const fs::path& p) {
    const std::string extension = p.extension().string();
    return std::any_of(std::begin(pickleExtensions), std::end(pickleExtensions),
                       [&](const char* e) { return extension == e; });
}

Status refusePickle(const std::string& path) {
    return Status::modelFormat(
        path + " is a PyTorch pickle or TorchScript file, which can run arbitrary code when "
               "loaded; Limner only loads .safetensors weights. Download the safetensors version "
               "of the model (most hub models have one) or convert it with the safetensors "
               "conversion tool");
}

Status missingBlob(const fs::path& link) {
    return Status::notFound(link.string() +
                            " links to a file that is not there (an unfinished or deleted "
                            "download): download the model again");
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
Status shardsOf(const fs::path& index, std::vector<std::string>& files) {
    nlohmann::json json;
    if (Status s = JsonFile::read(index.string(), json); !s)
        return s;
    const auto map = json.find("weight_map");
    if (map == json.end() || !map->is_object())
        return Status::modelFormat(index.string() + " has no \"weight_map\" object");
    std::set<std::string> shards;
    for (const auto& [name, file] : map->items()) {
        if (!file.is_string())
            return Status::modelFormat(index.string() + ": the shard of '" + name +
                                       "' is not a file name");
        const std::string shard = file.get<std::string>();
        if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos)
            return Status::modelFormat(index.string() + " names a shard outside its folder: " + shard);
        shards.insert(shard);
    }
    for (const std::string& shard : shards) {
        const fs::path path = index.parent_path() / shard;
        if (isDanglingLink(path))
            return missingBlob(path);
        if (!isFile(path))
            return Status::notFound(index.string() + " names the shard " + shard +
                                    ", which is not there: download the model again");
        if (Status s = PipelineFolder::checkWeightsFile(path.string()); !s)
            return s;
        files.push_back(path.string());
    }
    return Status::ok();
}

// Weight files of one naming variant ("" = none, "fp16", …) in dir: the single file, else the
// index of its shards (the current and the legacy variant index names). False when none.
bool variantFiles(const fs::path& dir, const std::string& variant, std::vector<std::string>& files,
                  Status& status) {
    const std::string v = variant.empty() ? std::string() : "." + variant;
    for (const char* prefix : weightPrefixes) {
        const fs::path single = dir / (std::string(prefix) + v + ".safetensors");
        if (isDanglingLink(single)) {
            status = missingBlob(single);
            return true;
        }
        if (isFile(single)) {
            status = PipelineFolder::checkWeightsFile(single.string());
            if (status)
                files.push_back(single.string());
            return true;
        }
        for (const std::string& indexName :
             {std::string(prefix) + ".safetensors.index" + v + ".json",
              std::string(prefix) + ".safetensors" + v + ".index.json"}) {
            const fs::path index = dir / indexName;
            if (isFile(index)) {
                status = shardsOf(index, files);
                return true;
            }
        }
    }
    return false;
}

// Variants present in dir, fp16 first: V of P.V.safetensors, P.safetensors.index.V.json and
// the legacy P.safetensors.V.index.json.
std::vector<std::string> variantsIn(const fs::path& dir) {
    const auto between = [](const std::string& name, const std::string& head,
                            const std::string& tail, std::string& middle) {
        if (name.size() <= head.size() + tail.size() || name.rfind(head, 0) != 0 ||
            name.compare(name.size() - tail.size(), tail.size(), tail) != 0)
            return false;
        middle = name.substr(head.size(), name.size() - head.size() - tail.size());
        return middle.find('.') == std::string::npos && middle.find('/') == std::string::npos;
    };
    std::set<std::string> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        for (const std::string prefix : weightPrefixes) {
            std::string v;
            if (between(name, prefix + ".", ".safetensors", v) ||
                between(name, prefix + ".safetensors.index.", ".json", v) ||
                between(name, prefix + ".safetensors.", ".index.json", v))
                found.insert(v);
        }
    }
    std::vector<std::string> out(found.begin(), found.end());
    std::stable_partition(out.begin(), out.end(), [](const std::string& v) { return v == "fp16"; });
    return out;
}

// Where a location names a model: a folder, a cache repo folder (→ its snapshot), or a repo id
// in one of the hub caches.
Status resolveLocation(const std::string& location, std::string& root) {
    std::error_code ec;
    const fs::path path(location);
    if (fs::is_directory(path, ec)) {
        std::string repoId;
        const fs::path absolute = fs::absolute(path, ec);
        const fs::path named = absolute.filename().empty() ? absolute.parent_path() : absolute;
        if (HubCache::repoIdFromFolderName(named.filename().string(), repoId) &&
            fs::is_directory(named / "snapshots", ec))
            return HubCache(named.parent_path().string()).snapshot(repoId, "main", root);
        root = location;
        return Status::ok();
    }
    if (fs::exists(path, ec))
        return isPickleName(path) ? refusePickle(location)
                                  : Status::modelFormat(location + " is a file, not a model folder");
    std::string repoId, revision;
    if (HubCache::splitReference(location, repoId, revision)) {
        for (const std::string& cacheRoot : {HubCache::defaultRoot(), HubCache::legacyDiffusersRoot()}) {
            if (HubCache(cacheRoot).snapshot(repoId, revision, root))
                return Status::ok();
        }
        return Status::notFound(repoId + " is neither a folder nor in the Hugging Face cache (" +
                                HubCache::defaultRoot() + "): download it (limner-cli models download " +
                                location + ") or give its folder");
    }
    return Status::notFound("model folder " + location + " does not exist or is not a folder");
}

// The hub cache a snapshot folder lives in (<cache>/models--ORG--NAME/snapshots/<commit>), or "".
std::string cacheOfSnapshot(const std::string& root) {
    std::error_code ec;
    const fs::path snapshot = fs::absolute(root, ec);
    const fs::path snapshots = snapshot.parent_path();
    std::string repoId;
    if (snapshots.filename() != "snapshots" ||
        !HubCache::repoIdFromFolderName(snapshots.parent_path().filename().string(), repoId))
        return {};
    return snapshots.parent_path().parent_path().string();
}

} // namespace

Status PipelineFolder::open(const std::string& location, PipelineFolder& out) {
    PipelineFolder folder;
    if (Status s = resolveLocation(location, folder.m_root); !s)
        return s;
    const fs::path index = fs::path(folder.m_root) / "model_index.json";
    if (isFile(index)) {
        if (Status s = JsonFile::read(index.string(), folder.m_modelIndex); !s)
            return s;
        if (!folder.m_modelIndex.is_object())
            return Status::modelFormat(index.string() + " is not a JSON object");
    }
    for (const auto& [key, value] : folder.m_modelIndex.items()) {
        // Components are ["library", "Class"]; [null, null] marks an optional part left out.
        if (key.empty() || key[0] == '_' || !value.is_array() || value.size() != 2 ||
            !value[0].is_string() || !value[1].is_string())
            continue;
        if (key.find('/') != std::string::npos || key.find("..") != std::string::npos)
            return Status::modelFormat(index.string() + " names a component outside the folder: " + key);
        folder.m_listed.push_back({key, value[0].get<std::string>(), value[1].get<std::string>()});
    }
    const std::string cls = folder.className();
    if (cls.find("Kandinsky") != std::string::npos && cls.find("Prior") == std::string::npos &&
        !folder.hasOwnPrior()) {
        if (Status s = folder.findOwnPriorRepo(); !s)
            return s;
    }
    out = std::move(folder);
    return Status::ok();
}

Status PipelineFolder::findOwnPriorRepo() {
    const std::vector<std::string> repos = ModelCard::priorRepos(m_root + "/README.md");
    if (repos.empty())
        return Status::ok();
    m_priorRepoWanted = repos.front();
    std::vector<std::string> caches;
    if (std::string own = cacheOfSnapshot(m_root); !own.empty())
        caches.push_back(own);
    caches.push_back(HubCache::defaultRoot());
    caches.push_back(HubCache::legacyDiffusersRoot());
    for (const std::string& cacheRoot : caches) {
        for (const std::string& snapshot : HubCache(cacheRoot).snapshots(m_priorRepoWanted)) {
            std::error_code ec;
            if (!fs::is_directory(fs::path(snapshot) / "prior", ec))
                continue; // an unfinished download of the prior
            return attachPrior(snapshot);
        }
    }
    return Status::ok();
}

Status PipelineFolder::attachPrior(const std::string& location) {
    auto prior = std::make_shared<PipelineFolder>();
    if (Status s = open(location, *prior); !s)
        return Status(s.code(), "the prior: " + s.message());
    for (const char* name : {"prior", "text_encoder", "tokenizer", "image_encoder", "scheduler"}) {
        if (!prior->hasComponent(name))
            return Status::notFound(prior->root() + " is not a Kandinsky 2.2 prior pipeline: it lacks " +
                                    name + "/");
    }
    m_prior = std::move(prior);
    return Status::ok();
}

bool PipelineFolder::hasOwnPrior() const {
    return hasComponent("prior_prior") || hasComponent("prior");
}

std::string PipelineFolder::className() const {
    const auto it = m_modelIndex.find("_class_name");
    return m_modelIndex.is_object() && it != m_modelIndex.end() && it->is_string()
               ? it->get<std::string>()
               : std::string();
}

std::vector<std::string> PipelineFolder::subFolders() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_root, ec)) {
        std::error_code dirError;
        const std::string name = entry.path().filename().string();
        if (entry.is_directory(dirError) && !name.empty() && name[0] != '.')
            out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool PipelineFolder::hasComponent(const std::string& component) const {
    std::error_code ec;
    return fs::is_directory(componentPath(component), ec);
}

Status PipelineFolder::readJson(const std::string& component, const std::string& fileName,
                                nlohmann::json& out) const {
    const fs::path path = fs::path(componentPath(component)) / fileName;
    if (isDanglingLink(path))
        return missingBlob(path);
    if (!isFile(path))
        return Status::notFound("model folder " + m_root + " lacks " + component + "/" + fileName);
    return JsonFile::read(path.string(), out);
}

Status PipelineFolder::checkWeightsFile(const std::string& path) {
    if (isPickleName(path))
        return refusePickle(path);
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        return Status::notFound("cannot read " + path);
    unsigned char magic[9] = {};
    stream.read(reinterpret_cast<char*>(magic), 9);
    // A pickle starts with the PROTO opcode 0x80; torch.save and TorchScript write zip archives.
    // A safetensors header's length may start with the same bytes (0x80 for 1 in 32 lengths,
    // the parity fixture clip_vision's 0x2680 among them); its JSON then follows.
    const bool safetensors = stream.gcount() == 9 && magic[8] == '{';
    if (!safetensors && stream.gcount() >= 2 &&
        (magic[0] == 0x80 || (magic[0] == 'P' && magic[1] == 'K')))
        return refusePickle(path);
    return Status::ok();
}

Status PipelineFolder::weightFiles(const std::string& component,
                                   std::vector<std::string>& files) const {
    const fs::path dir = componentPath(component);
    files.clear();
    Status status;
    if (variantFiles(dir, "", files, status))
        return status;
    for (const std::string& variant : variantsIn(dir)) {
        if (variantFiles(dir, variant, files, status))
            return status;
    }
    std::vector<std::string> pickles;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (isPickleName(entry.path()))
            pickles.push_back(entry.path().filename().string());
    }
    std::sort(pickles.begin(), pickles.end());
    if (!pickles.empty()) {
        std::string names;
        for (const std::string& name : pickles)
            names += (names.empty() ? "" : ", ") + name;
        return Status::modelFormat(
            component + " has its weights only as " + names +
            " (pickle files can run code and are never opened): download " + component +
            "/diffusion_pytorch_model.safetensors or model.safetensors (or their .fp16 variants) "
            "instead, or convert with diffusers' save_pretrained(safe_serialization=True)");
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
