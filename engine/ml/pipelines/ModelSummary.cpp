#include "engine/ml/pipelines/ModelSummary.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/io/SafetensorsHeader.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/PipelineFolder.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

const char* dtypeName(SafetensorsDtype dtype) {
    switch (dtype) {
    case SafetensorsDtype::F16:
        return "float16";
    case SafetensorsDtype::BF16:
        return "bfloat16";
    case SafetensorsDtype::F32:
        return "float32";
    case SafetensorsDtype::F64:
        return "float64";
    case SafetensorsDtype::F8E4M3:
    case SafetensorsDtype::F8E5M2:
        return "float8";
    default:
        return nullptr; // integer buffers are not parameters
    }
}

std::uint64_t folderBytes(const std::string& root) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        std::error_code sizeError;
        if (it->is_regular_file(sizeError)) {
            const auto size = it->file_size(sizeError);
            if (!sizeError)
                total += size;
        }
    }
    return total;
}

} // namespace

Status inspectModel(const std::string& folder, ModelSummary& out) {
    std::unique_ptr<InpaintPipeline> pipeline;
    if (Status s = InpaintPipeline::load(folder, c10::Device(c10::kMeta), c10::kFloat, pipeline); !s)
        return s;
    PipelineFolder layout;
    if (Status s = PipelineFolder::open(folder, layout); !s)
        return s;

    ModelSummary summary;
    summary.folder = folder;
    summary.family = pipeline->familyName();
    summary.nativeSize = pipeline->nativeSize();
    summary.sizeMultiple = pipeline->sizeMultiple();
    summary.acceptsPrompt = pipeline->acceptsPrompt();
    summary.acceptsImagePrompts = pipeline->acceptsImagePrompts();
    summary.bytesOnDisk = folderBytes(folder);

    std::map<std::string, std::int64_t> elementsByDtype;
    std::error_code ec;
    std::vector<std::string> components;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        std::error_code dirError;
        if (entry.is_directory(dirError))
            components.push_back(entry.path().filename().string());
    }
    std::sort(components.begin(), components.end());
    for (const std::string& component : components) {
        std::vector<std::string> files;
        const Status found = layout.weightFiles(component, files);
        if (found.code() == Status::Code::NotFound)
            continue; // scheduler/, tokenizer/: configs only
        if (!found)
            return found;
        summary.components.push_back(component);
        for (const std::string& file : files) {
            Safetensors weights;
            if (Status s = Safetensors::open(file, weights); !s)
                return s;
            for (const SafetensorsEntry& tensor : weights.header().entries()) {
                const char* name = dtypeName(tensor.dtype);
                if (!name)
                    continue;
                std::int64_t elements = 1;
                for (std::int64_t d : tensor.shape)
                    elements *= d;
                summary.parameters += elements;
                elementsByDtype[name] += elements;
            }
        }
    }
    for (const auto& [name, elements] : elementsByDtype) {
        (void)elements;
        summary.storedDtype += (summary.storedDtype.empty() ? "" : " + ") + name;
    }
    out = std::move(summary);
    return Status::ok();
}

} // namespace limner::engine::ml
