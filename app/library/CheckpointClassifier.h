#pragma once

#include "engine/core/Status.h"

#include <QString>
#include <cstdint>
#include <string>

namespace limner::app {

// An LDM single-file checkpoint as A1111, ComfyUI and Civitai keep them (one .safetensors with
// model.diffusion_model.*, first_stage_model.*, cond_stage_model.* …), recognised from its
// header's tensor names and shapes the way diffusers' infer_diffusers_model_type does
// (../shared/MODELS.md §4.2). Nothing but the header is read.
class CheckpointClassifier {
public:
    enum class Family { Unknown, StableDiffusion1, StableDiffusion2, StableDiffusionXL };

    Family family = Family::Unknown;
    int unetInChannels = 0;      // 9 for inpainting models, 4 for text-to-image, 8 for instruct-pix2pix
    std::int64_t parameters = 0; // floating-point tensors, the EMA copy left out
    QString storedDtype;

    bool isInpainting() const { return unetInChannels == 9; }
    // "Stable Diffusion 1.x", "Stable Diffusion 2.x", "Stable Diffusion XL" or "".
    QString familyName() const;

    // Reads path's header. ModelFormat when it is no safetensors file; a safetensors file
    // without model.diffusion_model.* weights gives Family::Unknown.
    static engine::Status inspect(const std::string& path, CheckpointClassifier& out);

    // Whether the engine loads single files (SD 1.x and 2.x; engine/ml SingleFileCheckpoint),
    // which a build without libtorch does not. Otherwise recognised files are listed as "not
    // supported".
    static bool loadable();
};

} // namespace limner::app
