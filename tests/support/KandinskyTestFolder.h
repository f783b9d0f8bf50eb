#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace limner::tests {

// Writes the Kandinsky 2.2 prior's components into root under names that start with prefix:
// "prior_" completes a copy of the decoder fixture (pipeline_kandinsky22_inpaint) into a whole
// unCLIP folder as diffusers' combined inpaint pipeline saves it (prior_prior/,
// prior_text_encoder/, prior_image_encoder/, prior_tokenizer/, prior_scheduler/); "" makes a
// prior pipeline folder of its own, as kandinsky-community/kandinsky-2-2-prior is published
// (prior/, text_encoder/, …, with its model_index.json). Taken from the prior, CLIP and UnCLIP
// scheduler fixtures. Tiny random weights: for architecture tests.
inline void addKandinskyPrior(const std::filesystem::path& parity, const std::filesystem::path& root,
                              const std::string& prefix = "prior_") {
    namespace fs = std::filesystem;
    const auto component = [&](const std::string& name, const char* fixture, const char* weights) {
        fs::create_directories(root / name);
        fs::copy_file(parity / fixture / "config.json", root / name / "config.json",
                      fs::copy_options::overwrite_existing);
        fs::copy_file(parity / fixture / "weights.safetensors", root / name / weights,
                      fs::copy_options::overwrite_existing);
    };
    component(prefix + "prior", "prior", "diffusion_pytorch_model.safetensors");
    component(prefix + "text_encoder", "clip_text_with_projection", "model.safetensors");
    component(prefix + "image_encoder", "clip_vision", "model.safetensors");
    // The SD fixture's tokenizer holds the 1000 ids the tiny text towers know.
    fs::copy(parity / "pipeline_sd_inpaint" / "tokenizer", root / (prefix + "tokenizer"),
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::create_directories(root / (prefix + "scheduler"));
    fs::copy_file(parity / "sched_unclip_kandinsky22_prior" / "scheduler_config.json",
                  root / (prefix + "scheduler") / "scheduler_config.json",
                  fs::copy_options::overwrite_existing);
    if (prefix.empty()) {
        std::ofstream(root / "model_index.json")
            << R"({"_class_name": "KandinskyV22PriorPipeline", "_diffusers_version": "0.25.1",
  "prior": ["diffusers", "PriorTransformer"], "scheduler": ["diffusers", "UnCLIPScheduler"],
  "text_encoder": ["transformers", "CLIPTextModelWithProjection"],
  "image_encoder": ["transformers", "CLIPVisionModelWithProjection"],
  "tokenizer": ["transformers", "CLIPTokenizer"]})";
    }
}

} // namespace limner::tests
