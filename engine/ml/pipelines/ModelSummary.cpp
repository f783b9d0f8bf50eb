#include "engine/ml/pipelines/ModelSummary.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/io/SafetensorsHeader.h"
#include "engine/ml/pipelines/InpaintPipeline.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "engine/ml/pipelines/SingleFileCheckpoint.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

std::uint64_t folderBytes(const std::string& root) {
    std::uint64_t total = 0;
    std::error_code ec;
    if (fs::is_regular_file(root, ec))
        return fs::file_size(root, ec); // a single-file checkpoint
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

// Adds the parameters of every component of folder that has weights.
Status countParameters(const PipelineFolder& folder, const std::string& label, ModelSummary& summary,
                       std::map<std::string, std::int64_t>& elementsByDtype) {
    if (const SingleFileCheckpoint* single = folder.singleFile()) {
        summary.components = single->components();
        for (const auto& [dtype, elements] : single->parameterCounts()) {
            summary.parameters += elements;
            elementsByDtype[dtype] += elements;
        }
        return Status::ok();
    }
    for (const std::string& component : folder.subFolders()) {
        std::vector<std::string> files;
        const Status found = folder.weightFiles(component, files);
        if (found.code() == Status::Code::NotFound)
            continue; // scheduler/, tokenizer/: configs only
        if (!found)
            return found;
        summary.components.push_back(label + component);
        std::int64_t& componentTotal = summary.componentParameters[label + component];
        for (const std::string& file : files) {
            if (Status s = PipelineFolder::checkWeightsFile(file); !s)
                return s;
            Safetensors weights;
            if (Status s = Safetensors::open(file, weights); !s)
                return s;
            for (const SafetensorsEntry& tensor : weights.header().entries()) {
                const char* name = SafetensorsHeader::parameterDtypeName(tensor.dtype);
                if (!name)
                    continue;
                std::int64_t elements = 1;
                for (std::int64_t d : tensor.shape)
                    elements *= d;
                summary.parameters += elements;
                componentTotal += elements;
                elementsByDtype[name] += elements;
            }
        }
    }
    return Status::ok();
}

} // namespace

Status inspectModel(const std::string& folder, ModelSummary& out) {
    PipelineFolder layout;
    if (Status s = PipelineFolder::open(folder, layout); !s)
        return s;
    return inspectModel(layout, out);
}

Status inspectModel(const PipelineFolder& layout, ModelSummary& out,
                    std::unique_ptr<InpaintPipeline>* metaPipeline) {
    std::unique_ptr<InpaintPipeline> pipeline;
    if (Status s = InpaintPipeline::load(layout, c10::Device(c10::kMeta), c10::kFloat, pipeline); !s)
        return s;

    ModelSummary summary;
    summary.folder = layout.root();
    summary.priorRepoWanted = layout.priorRepoWanted();
    summary.family = pipeline->familyName();
    summary.nativeSize = pipeline->nativeSize();
    summary.sizeMultiple = pipeline->sizeMultiple();
    summary.acceptsPrompt = pipeline->acceptsPrompt();
    summary.acceptsImagePrompts = pipeline->acceptsImagePrompts();
    summary.bytesOnDisk = folderBytes(layout.root());

    std::map<std::string, std::int64_t> elementsByDtype;
    if (Status s = countParameters(layout, "", summary, elementsByDtype); !s)
        return s;
    if (const PipelineFolder* prior = layout.prior()) {
        summary.priorFolder = prior->root();
        summary.bytesOnDisk += folderBytes(prior->root());
        if (Status s = countParameters(*prior, "prior:", summary, elementsByDtype); !s)
            return s;
    }
    for (const auto& [name, elements] : elementsByDtype) {
        (void)elements;
        summary.storedDtype += (summary.storedDtype.empty() ? "" : " + ") + name;
    }
    out = std::move(summary);
    if (metaPipeline)
        *metaPipeline = std::move(pipeline);
    return Status::ok();
}

} // namespace limner::engine::ml
