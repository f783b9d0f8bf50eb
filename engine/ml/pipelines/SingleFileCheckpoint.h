#pragma once

#include "engine/core/Status.h"
#include "engine/ml/nn/StateDict.h"

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {

class ClipTokenizer;

// A Stable Diffusion 1.x or 2.x checkpoint in one .safetensors file with the original
// CompVis/LDM names (model.diffusion_model.*, first_stage_model.*, cond_stage_model.*), as
// A1111, ComfyUI and Civitai share them, seen as the diffusers folder it would convert to:
//
//     SingleFileCheckpoint checkpoint;
//     if (Status s = SingleFileCheckpoint::open(path, checkpoint); !s) return s;
//     nlohmann::json config;
//     checkpoint.readJson("unet", "config.json", config);
//     StateDict weights;
//     checkpoint.loadWeights("unet", device, c10::kHalf, weights); // diffusers names
//
// open() reads the header only. The architecture comes from the tensor shapes (channels,
// levels, res-blocks per level, attention levels, transformer depth, context width, conv or
// linear projections, text tower width and depth); what shapes cannot show follows the SD 1.x
// conventions (8 heads per attention, CLIP ViT-L text tower: 64-wide heads, quick_gelu) when
// the text tower has transformers' CLIP layout (cond_stage_model.transformer.*), and the SD 2.x
// ones (64-wide heads, OpenCLIP tower with its last layer unused, gelu) when it has OpenCLIP's
// (cond_stage_model.model.*); GroupNorm 32 and VAE scale 0.18215 for both. Files Limner cannot
// run (SDXL, SD3, Flux, LoRAs, VAEs or text encoders alone, diffusers component files, pickle
// checkpoints) are refused, saying what the file is.
//
// Components, as in a diffusers folder: "unet", "vae", "text_encoder", "tokenizer" and
// "scheduler"; "" holds model_index.json. Weights are renamed at load time; nothing is written.
// model_ema.*, the noise-schedule buffers, first_stage_model.loss.*, position_ids, logit_scale,
// text_projection and SD 2.x's unused last text layer are never loaded.
//
// Thread safety: an opened checkpoint is immutable; const member functions may be called from
// several threads at once. Copies share the mapped file.
class SingleFileCheckpoint {
public:
    enum class Family { StableDiffusion1, StableDiffusion2 };

    static Status open(const std::string& path, SingleFileCheckpoint& out);

    const std::string& path() const;
    Family family() const;
    // 9 UNet input channels (latents, mask, masked-image latents) rather than 4.
    bool isInpainting() const;
    // For messages and model lists, e.g. "Stable Diffusion 2.x inpainting".
    std::string description() const;
    // model_index.json's "_class_name": StableDiffusionInpaintPipeline or StableDiffusionPipeline.
    std::string className() const;

    // The same members, with the same meaning, as PipelineFolder's.
    bool hasComponent(const std::string& component) const;
    // The JSON the converted diffusers folder would hold: ("", "model_index.json"),
    // ("unet" | "vae" | "text_encoder", "config.json"), ("scheduler", "scheduler_config.json"),
    // ("tokenizer", "tokenizer_config.json" | "special_tokens_map.json"). NotFound otherwise.
    Status readJson(const std::string& component, const std::string& fileName,
                    nlohmann::json& out) const;
    // The component's tensors by diffusers name, each converted from the dtype its header names
    // (F32, F16 or BF16) to dtype, on device.
    Status loadWeights(const std::string& component, c10::Device device, c10::ScalarType dtype,
                       StateDict& out) const;
    // CLIP's tokenizer as the SD 1.x / 2.x diffusers folders hold it (padding with
    // "<|endoftext|>" / "!"), built from the vocabulary Limner ships (clipVocabularyPath()).
    Status loadTokenizer(ClipTokenizer& out) const;

    // Components with weights: {"text_encoder", "unet", "vae"}.
    std::vector<std::string> components() const;
    // Elements of the tensors loadWeights() hands out, by stored dtype: "float16", "bfloat16",
    // "float32" (what a model summary shows). From the header alone.
    const std::map<std::string, std::int64_t>& parameterCounts() const;

private:
    struct Layout;
    std::shared_ptr<const Layout> m_layout;
};

} // namespace limner::engine::ml
