#pragma once

#include "engine/core/Status.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace limner::engine::ml {

class InpaintPipeline;
class PipelineFolder;

// What Preferences ▸ Models shows of a model folder, found without reading any tensor data.
struct ModelSummary {
    std::string folder;
    std::string priorFolder;     // where a Kandinsky decoder's prior pipeline was found, if elsewhere
    std::string priorRepoWanted; // the prior its model card names ("" when none)
    std::string family;          // "Kandinsky 2.2", "Stable Diffusion"
    int nativeSize = 0;          // square side in pixels the model was trained at
    int sizeMultiple = 0;
    bool acceptsPrompt = false;
    bool acceptsImagePrompts = false;
    std::int64_t parameters = 0;         // elements of every floating-point tensor of every component
    std::string storedDtype;             // "float16", "float32", "bfloat16" or a list when mixed
    std::uint64_t bytesOnDisk = 0;       // every regular file under the folder(s), links followed
    std::vector<std::string> components; // those with weights, e.g. {"movq", "prior", "unet"}
    // The parameters of each of those, by the same names ("unet", "prior:image_encoder", …).
    std::map<std::string, std::int64_t> componentParameters;

    // Bytes the weights take once loaded in a dtype of elementSize bytes.
    std::uint64_t weightBytes(int elementSize) const {
        return static_cast<std::uint64_t>(parameters) * static_cast<std::uint64_t>(elementSize);
    }
};

// Checks a model folder as thoroughly as loading it would (family, configs, every component
// present, every tensor present with its exact shape, nothing unused, safetensors headers
// valid) but builds the modules on the meta device, so no tensor data is read and no memory of
// the model's size is taken. The message of a failure names the component, key or tensor.
// metaPipeline, when given, receives the pipeline built on the meta device: its arithmetic
// (estimateRunBytes) works without any weight in memory.
Status inspectModel(const std::string& folder, ModelSummary& out);
Status inspectModel(const PipelineFolder& folder, ModelSummary& out,
                    std::unique_ptr<InpaintPipeline>* metaPipeline = nullptr);

} // namespace limner::engine::ml
