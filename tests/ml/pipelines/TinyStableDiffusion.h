#pragma once

#include "engine/ml/nn/StateDict.h"

#include <ATen/core/Tensor.h>
#include <c10/core/ScalarType.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace limner::tests {

// A Stable Diffusion model of tiny sizes with random weights, in diffusers names, and the two
// ways to save it: a diffusers folder and one LDM-layout .safetensors file (A1111 / CompVis
// names). The LDM writer is the test's own, written from the LDM layout rather than by running
// the engine's mapping backwards, so that a reader agreeing with it proves something.
struct TinyStableDiffusion {
    bool sd2 = false; // OpenCLIP text tower (SD 2.x) rather than CLIP ViT-L's layout (SD 1.x)
    nlohmann::json unetConfig, vaeConfig, textConfig, schedulerConfig;
    engine::ml::StateDict unet, vae, text;
    // OpenCLIP keeps one text layer more than SD 2.x uses (the checkpoint's last resblock).
    engine::ml::StateDict unusedTextLayer;

    // SD 1.x conventions: 8 heads, conv projections, CLIP-L layout (128 wide: two 64-wide heads),
    // three UNet levels (attention on the first two), two res-blocks each; 9 or 4 input channels.
    static TinyStableDiffusion sd1(bool inpainting, std::uint64_t seed);
    // SD 2.x conventions: 64-wide heads, linear projections, two transformer blocks per
    // attention, OpenCLIP layout (64 wide, 3 used layers), one res-block per level.
    static TinyStableDiffusion sd2Model(bool inpainting, std::uint64_t seed);

    // model_index.json, the component configs, weights in safetensors, and the full CLIP
    // tokenizer of the parity fixtures (pad "<|endoftext|>" for SD 1.x, "!" for SD 2.x).
    void writeDiffusersFolder(const std::string& folder) const;

    struct LdmOptions {
        // Stored dtype per component ("unet", "vae", "text_encoder"); float32 when absent.
        std::map<std::string, c10::ScalarType> dtypes;
        // SD 1.x files of 2022 lack "text_model." in the text encoder's names.
        bool oldClipNames = false;
        // What real files carry besides the pipeline: EMA copies, schedule buffers, loss
        // weights, position_ids, logit_scale, text_projection.
        bool extras = true;
    };
    std::vector<std::pair<std::string, at::Tensor>> ldmTensors(const LdmOptions& options) const;
    void writeLdmFile(const std::string& path, const LdmOptions& options) const;
    void writeLdmFile(const std::string& path) const { writeLdmFile(path, LdmOptions()); }
};

} // namespace limner::tests
