#include "app/library/ModelProbe.h"

#include "app/library/CheckpointClassifier.h"
#include "app/library/HeaderReader.h"
#include "engine/ml/config/JsonFile.h"
#include "engine/ml/config/ModelCard.h"
#include "engine/ml/io/SafetensorsHeader.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace limner::app {

namespace fs = std::filesystem;
using engine::Status;

namespace {

const char* const kPickleExtensions[] = {".ckpt", ".bin", ".pt", ".pth", ".pkl", ".pickle"};
const char* const kWeightPrefixes[] = {"diffusion_pytorch_model", "model"};

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool isDir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool isDanglingLink(const fs::path& p) {
    std::error_code ec;
    return fs::is_symlink(fs::symlink_status(p, ec)) && !fs::exists(p, ec);
}

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

// The weight files of one component, chosen as the engine's loader chooses them.
struct Weights {
    std::vector<fs::path> files;      // the safetensors to read
    std::vector<std::string> missing; // named (a link, an index's shard) but not there
    std::vector<std::string> pickles; // pickle files, when there are no safetensors
    std::string error;                // an index that cannot be read
};

void addShards(const fs::path& index, const std::string& component, Weights& out) {
    nlohmann::json json;
    if (Status s = engine::ml::JsonFile::read(index.string(), json); !s) {
        out.error = s.message();
        return;
    }
    const auto map = json.find("weight_map");
    if (map == json.end() || !map->is_object()) {
        out.error = index.string() + " has no \"weight_map\" object";
        return;
    }
    std::set<std::string> shards;
    for (const auto& [name, file] : map->items()) {
        if (file.is_string())
            shards.insert(file.get<std::string>());
    }
    for (const std::string& shard : shards) {
        if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos) {
            out.error = index.string() + " names a shard outside its folder: " + shard;
            return;
        }
        const fs::path path = index.parent_path() / shard;
        if (isFile(path))
            out.files.push_back(path);
        else
            out.missing.push_back(component + "/" + shard);
    }
}

// The files of one naming variant ("" = none, "fp16" …): the single file, else an index of
// shards (the current and the legacy variant index names). False when there are none.
bool variantFiles(const fs::path& dir, const std::string& component, const std::string& variant,
                  Weights& out) {
    const std::string v = variant.empty() ? std::string() : "." + variant;
    for (const std::string prefix : kWeightPrefixes) {
        const fs::path single = dir / (prefix + v + ".safetensors");
        if (isDanglingLink(single)) {
            out.missing.push_back(component + "/" + single.filename().string());
            return true;
        }
        if (isFile(single)) {
            out.files.push_back(single);
            return true;
        }
        for (const std::string& indexName : {prefix + ".safetensors.index" + v + ".json",
                                             prefix + ".safetensors" + v + ".index.json"}) {
            if (isFile(dir / indexName)) {
                addShards(dir / indexName, component, out);
                return true;
            }
        }
    }
    return false;
}

// Variants present in dir, fp16 first.
std::vector<std::string> variantsIn(const fs::path& dir) {
    const auto between = [](const std::string& name, const std::string& head, const std::string& tail,
                            std::string& middle) {
        if (name.size() <= head.size() + tail.size() || name.rfind(head, 0) != 0 ||
            name.compare(name.size() - tail.size(), tail.size(), tail) != 0)
            return false;
        middle = name.substr(head.size(), name.size() - head.size() - tail.size());
        return middle.find('.') == std::string::npos;
    };
    std::set<std::string> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        for (const std::string prefix : kWeightPrefixes) {
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

Weights chooseWeights(const fs::path& dir, const std::string& component) {
    Weights out;
    if (variantFiles(dir, component, "", out))
        return out;
    for (const std::string& variant : variantsIn(dir)) {
        if (variantFiles(dir, component, variant, out))
            return out;
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (ModelProbe::isPickleName(entry.path().string()))
            out.pickles.push_back(entry.path().filename().string());
    }
    std::sort(out.pickles.begin(), out.pickles.end());
    return out;
}

enum class Layout { StableDiffusion, StableDiffusionXL, KandinskyDecoder, KandinskyPrior, Other };

struct Parts {
    std::vector<std::string> weighted;                            // components with weights
    std::vector<std::pair<std::string, std::string>> configFiles; // component, file
};

Parts partsOf(Layout layout, const fs::path& folder) {
    Parts parts;
    const auto priorParts = [&](const std::string& prefix) {
        for (const char* name : {"prior", "text_encoder", "image_encoder"})
            parts.weighted.push_back(prefix + name);
        parts.configFiles.push_back({prefix + "tokenizer", "vocab.json"});
        parts.configFiles.push_back({prefix + "tokenizer", "merges.txt"});
        parts.configFiles.push_back({prefix + "scheduler", "scheduler_config.json"});
    };
    switch (layout) {
    case Layout::StableDiffusion:
        parts.weighted = {"unet", "vae", "text_encoder"};
        parts.configFiles = {{"tokenizer", "vocab.json"},
                             {"tokenizer", "merges.txt"},
                             {"scheduler", "scheduler_config.json"}};
        break;
    case Layout::KandinskyDecoder:
        parts.weighted = {"unet", "movq"};
        parts.configFiles = {{"scheduler", "scheduler_config.json"}};
        if (isDir(folder / "prior_prior"))
            priorParts("prior_");
        else if (isDir(folder / "prior"))
            priorParts("");
        break;
    case Layout::KandinskyPrior:
        priorParts("");
        break;
    case Layout::StableDiffusionXL:
    case Layout::Other: {
        // Counted for the listing, never judged: every sub-folder with a config and weights.
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(folder, ec)) {
            const std::string name = entry.path().filename().string();
            if (!name.empty() && name[0] != '.' && isFile(entry.path() / "config.json"))
                parts.weighted.push_back(name);
        }
        std::sort(parts.weighted.begin(), parts.weighted.end());
        break;
    }
    }
    return parts;
}

Layout layoutOf(const std::string& cls, const fs::path& folder) {
    if (cls.empty()) {
        if (isDir(folder / "movq"))
            return Layout::KandinskyDecoder;
        if (isDir(folder / "vae") && isDir(folder / "text_encoder"))
            return Layout::StableDiffusion;
        if (isDir(folder / "prior") && isDir(folder / "image_encoder"))
            return Layout::KandinskyPrior;
        return Layout::Other;
    }
    if (cls.find("Kandinsky") != std::string::npos)
        return cls.find("Prior") != std::string::npos ? Layout::KandinskyPrior
                                                      : Layout::KandinskyDecoder;
    if (cls.find("StableDiffusionXL") != std::string::npos)
        return Layout::StableDiffusionXL;
    if (cls.find("StableDiffusion") != std::string::npos &&
        cls.find("StableDiffusion3") == std::string::npos)
        return Layout::StableDiffusion;
    return Layout::Other;
}

// A number from a component's config.json; fallback when it cannot be read.
std::int64_t configNumber(const fs::path& folder, const std::string& component, const char* key,
                          std::int64_t fallback) {
    nlohmann::json json;
    const fs::path path = folder / component / "config.json";
    if (!isFile(path) || !engine::ml::JsonFile::read(path.string(), json) || !json.is_object())
        return fallback;
    const auto it = json.find(key);
    return it != json.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

QString familyName(Layout layout, const fs::path& folder, const std::string& cls) {
    switch (layout) {
    case Layout::StableDiffusion: {
        const std::int64_t width = configNumber(folder, "unet", "cross_attention_dim", 0);
        return width == 768    ? QStringLiteral("Stable Diffusion 1.x")
               : width == 1024 ? QStringLiteral("Stable Diffusion 2.x")
                               : QStringLiteral("Stable Diffusion");
    }
    case Layout::StableDiffusionXL:
        return QStringLiteral("Stable Diffusion XL");
    case Layout::KandinskyDecoder:
        return QStringLiteral("Kandinsky 2.2");
    case Layout::KandinskyPrior:
        return QStringLiteral("Kandinsky 2.2 prior");
    case Layout::Other:
        break;
    }
    return text(cls);
}

// "a, b …" of at most two names.
QString someOf(const std::vector<std::string>& names) {
    QStringList shown;
    for (std::size_t i = 0; i < names.size() && i < 2; ++i)
        shown << text(names[i]);
    return shown.join(QStringLiteral(", ")) + (names.size() > 2 ? QStringLiteral(" …") : QString());
}

// What to download instead of a component's pickles.
std::string safetensorsNameFor(const std::string& component, const std::vector<std::string>& pickles) {
    const bool transformers = std::any_of(pickles.begin(), pickles.end(), [](const std::string& p) {
        return p.rfind("pytorch_model", 0) == 0;
    });
    return component + (transformers ? "/model.safetensors" : "/diffusion_pytorch_model.safetensors");
}

// Sums the folder's files (links followed) and lists links whose blob is gone. Skips .cache/
// (the metadata of `hf download --local-dir`).
void walkFolder(const fs::path& folder, std::int64_t& bytes, std::set<std::string>& dangling) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        std::error_code e;
        if (it->path().filename() == ".cache" && it->is_directory(e)) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink(e) && !fs::exists(it->path(), e)) {
            dangling.insert(fs::relative(it->path(), folder, e).generic_string());
            continue;
        }
        if (it->is_regular_file(e)) {
            const auto size = it->file_size(e);
            if (!e)
                bytes += static_cast<std::int64_t>(size);
        }
    }
}

QString mergedDtypes(const QString& a, const QString& b) {
    QStringList names = a.split(QStringLiteral(" + "), Qt::SkipEmptyParts) +
                        b.split(QStringLiteral(" + "), Qt::SkipEmptyParts);
    names.removeDuplicates();
    names.sort();
    return names.join(QStringLiteral(" + "));
}

} // namespace

bool ModelProbe::isPickleName(const std::string& path) {
    const std::string extension = fs::path(path).extension().string();
    return std::any_of(std::begin(kPickleExtensions), std::end(kPickleExtensions),
                       [&](const char* e) { return extension == e; });
}

bool ModelProbe::isSafetensorsName(const std::string& path) {
    const std::string extension = fs::path(path).extension().string();
    return extension == ".safetensors" || extension == ".sft";
}

bool ModelProbe::isPriorPipeline(const std::string& folder) {
    const fs::path root(folder);
    for (const char* name : {"prior", "text_encoder", "image_encoder", "tokenizer", "scheduler"}) {
        if (!isDir(root / name))
            return false;
    }
    return true;
}

bool ModelProbe::probeFolder(const std::string& folderPath, LibraryEntry& entry) {
    const fs::path folder(folderPath);
    nlohmann::json index;
    const fs::path indexPath = folder / "model_index.json";
    const bool hasIndex = isFile(indexPath);
    if (!hasIndex && !isDir(folder / "unet") && !isDir(folder / "prior") && !isDanglingLink(indexPath))
        return false;

    LibraryEntry e = entry;
    e.components.clear();
    std::string cls;
    std::vector<std::string> damaged;
    if (hasIndex) {
        const Status s = engine::ml::JsonFile::read(indexPath.string(), index);
        if (s && index.is_object() && index.contains("_class_name") && index["_class_name"].is_string())
            cls = index["_class_name"].get<std::string>();
        else if (!s)
            damaged.push_back(s.message());
    }
    const Layout layout = layoutOf(cls, folder);
    const bool judged = layout != Layout::Other && layout != Layout::StableDiffusionXL;
    e.family = familyName(layout, folder, cls);

    std::set<std::string> missing;
    std::vector<std::string> pickleOnly;
    HeaderReader::ParameterCount total;
    const Parts parts = partsOf(layout, folder);
    for (const std::string& name : parts.weighted) {
        const fs::path dir = folder / name;
        if (!isDir(dir)) {
            missing.insert(name + "/config.json");
            missing.insert(name + "/" +
                           (name.find("encoder") != std::string::npos
                                ? "model.safetensors"
                                : "diffusion_pytorch_model.safetensors"));
            continue;
        }
        if (!isFile(dir / "config.json"))
            missing.insert(name + "/config.json");
        const Weights weights = chooseWeights(dir, name);
        missing.insert(weights.missing.begin(), weights.missing.end());
        if (!weights.error.empty())
            damaged.push_back(weights.error);
        if (weights.files.empty() && weights.missing.empty() && weights.error.empty()) {
            if (!weights.pickles.empty())
                pickleOnly.push_back(safetensorsNameFor(name, weights.pickles));
            else
                missing.insert(name + "/diffusion_pytorch_model.safetensors");
            continue;
        }
        LibraryEntry::Component component;
        component.name = text(name);
        HeaderReader::ParameterCount count;
        for (const fs::path& file : weights.files) {
            component.files << text(name + "/" + file.filename().string());
            std::error_code ec;
            component.bytes += static_cast<qint64>(fs::file_size(file, ec));
            engine::ml::SafetensorsHeader header;
            if (Status s = HeaderReader::read(file.string(), header); !s) {
                damaged.push_back(s.message());
                continue;
            }
            HeaderReader::count(header, count);
        }
        component.parameters = count.total();
        component.storedDtype = count.dtypeText();
        total.add(count);
        e.components.push_back(component);
    }
    for (const auto& [component, file] : parts.configFiles) {
        if (!isFile(folder / component / file))
            missing.insert(component + "/" + file);
    }

    std::int64_t bytes = 0;
    std::set<std::string> dangling;
    walkFolder(folder, bytes, dangling);
    missing.insert(dangling.begin(), dangling.end());
    e.bytesOnDisk = bytes;
    e.parameters = total.total();
    e.storedDtype = total.dtypeText();
    e.pairsWithPrior = false;
    e.priorRepoWanted.clear();
    e.problem.clear();

    const std::vector<std::string> missingList(missing.begin(), missing.end());
    if (!damaged.empty()) {
        e.state = LibraryEntry::State::Damaged;
        e.problem = QStringLiteral("damaged: %1").arg(text(damaged.front()));
    } else if (judged && !missingList.empty()) {
        e.state = LibraryEntry::State::Incomplete;
        e.problem = QStringLiteral("incomplete download: %1 file%2 missing (%3): download it again")
                        .arg(missingList.size())
                        .arg(missingList.size() == 1 ? QString() : QStringLiteral("s"))
                        .arg(someOf(missingList));
    } else if (judged && !pickleOnly.empty()) {
        e.state = LibraryEntry::State::PickleOnly;
        e.problem =
            QStringLiteral("pickle only: download the safetensors files (%1)").arg(someOf(pickleOnly));
    } else if (layout == Layout::StableDiffusionXL) {
        e.state = LibraryEntry::State::NotSupported;
        e.problem = QStringLiteral("Stable Diffusion XL: not supported");
    } else if (layout == Layout::Other) {
        e.state = LibraryEntry::State::NotSupported;
        e.problem = cls.empty() ? QStringLiteral("not a model Limner runs (no model_index.json, and "
                                                 "neither movq/ nor vae/ + text_encoder/)")
                                : QStringLiteral("not a model Limner runs (%1)").arg(text(cls));
    } else if (layout == Layout::KandinskyPrior) {
        e.state = LibraryEntry::State::PriorPipeline;
        e.problem = QStringLiteral("a Kandinsky 2.2 prior: choose it as a decoder's prior");
    } else if (const std::int64_t in = configNumber(folder, "unet", "in_channels", 0),
               latent = configNumber(folder, layout == Layout::KandinskyDecoder ? "movq" : "vae",
                                     "latent_channels", 4);
               in != 2 * latent + 1) {
        e.state = LibraryEntry::State::NotInpainting;
        e.problem = QStringLiteral("not an inpainting model (its UNet takes %1 input channels; "
                                   "inpainting takes %2)")
                        .arg(in)
                        .arg(2 * latent + 1);
    } else if (layout == Layout::KandinskyDecoder && !isDir(folder / "prior_prior") &&
               !isDir(folder / "prior")) {
        e.pairsWithPrior = true;
        const std::vector<std::string> repos =
            engine::ml::ModelCard::priorRepos((folder / "README.md").string());
        e.priorRepoWanted = repos.empty() ? QString() : text(repos.front());
        e.state = LibraryEntry::State::NeedsPrior;
        e.problem = e.priorRepoWanted.isEmpty()
                        ? QStringLiteral("needs its prior (a Kandinsky 2.2 prior pipeline): choose "
                                         "its folder")
                        : QStringLiteral("needs its prior %1: download it or choose its folder")
                              .arg(e.priorRepoWanted);
    } else {
        e.state = LibraryEntry::State::Ready;
    }
    entry = std::move(e);
    return true;
}

bool ModelProbe::probeFile(const std::string& path, bool onlyCheckpoints, LibraryEntry& entry) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec); // stat(): a pickle is never opened
    if (isPickleName(path)) {
        if (ec)
            return false;
        entry.kind = LibraryEntry::Kind::PickleFile;
        entry.bytesOnDisk = static_cast<qint64>(size);
        entry.state = LibraryEntry::State::NotSupported;
        entry.problem = QStringLiteral("pickle file: not supported (it can run code); get its "
                                       ".safetensors version");
        return true;
    }
    if (!isSafetensorsName(path) || ec)
        return false;
    CheckpointClassifier checkpoint;
    const Status s = CheckpointClassifier::inspect(path, checkpoint);
    if (s && checkpoint.family == CheckpointClassifier::Family::Unknown && onlyCheckpoints)
        return false;
    entry.kind = LibraryEntry::Kind::SingleFile;
    entry.bytesOnDisk = static_cast<qint64>(size);
    entry.family = checkpoint.familyName();
    entry.parameters = checkpoint.parameters;
    entry.storedDtype = checkpoint.storedDtype;
    entry.components = {{QStringLiteral("checkpoint"),
                         {text(fs::path(path).filename().string())},
                         checkpoint.parameters,
                         checkpoint.storedDtype,
                         static_cast<qint64>(size)}};
    if (!s) {
        entry.state = LibraryEntry::State::Damaged;
        entry.problem = QStringLiteral("damaged: %1").arg(text(s.message()));
    } else if (checkpoint.family == CheckpointClassifier::Family::Unknown) {
        entry.state = LibraryEntry::State::NotSupported;
        entry.problem = QStringLiteral("not a diffusion checkpoint Limner knows (no "
                                       "model.diffusion_model weights)");
    } else if (checkpoint.family == CheckpointClassifier::Family::StableDiffusionXL) {
        entry.state = LibraryEntry::State::NotSupported;
        entry.problem = QStringLiteral("Stable Diffusion XL: not supported");
    } else if (checkpoint.unetInChannels != 9 && checkpoint.unetInChannels != 4) {
        // 9: an inpainting UNet; 4: an ordinary one, which inpaints by blending latents.
        entry.state = LibraryEntry::State::NotInpainting;
        entry.problem = QStringLiteral("not a model Limner can inpaint with (its UNet takes %1 "
                                       "input channels; inpainting takes 9, text-to-image 4)")
                            .arg(checkpoint.unetInChannels);
    } else if (!CheckpointClassifier::loadable()) {
        entry.state = LibraryEntry::State::NotSupported;
        entry.problem = QStringLiteral("single-file checkpoint: this build of Limner has no "
                                       "diffusion support");
    } else {
        entry.state = LibraryEntry::State::Ready;
    }
    return true;
}

void ModelProbe::addPrior(const LibraryEntry& prior, LibraryEntry& decoder) {
    decoder.priorFolder = prior.snapshot.isEmpty() ? prior.location : prior.snapshot;
    for (LibraryEntry::Component component : prior.components) {
        component.name = QStringLiteral("prior:") + component.name;
        decoder.components.push_back(component);
    }
    decoder.parameters += prior.parameters;
    decoder.bytesOnDisk += prior.bytesOnDisk;
    decoder.storedDtype = mergedDtypes(decoder.storedDtype, prior.storedDtype);
    if (prior.state == LibraryEntry::State::PriorPipeline) {
        decoder.state = LibraryEntry::State::Ready;
        decoder.problem.clear();
    } else {
        decoder.state = prior.state;
        decoder.problem = QStringLiteral("its prior %1: %2").arg(prior.name, prior.problem);
    }
}

} // namespace limner::app
