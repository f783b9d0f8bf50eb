#pragma once

#include <filesystem>
#include <string>

namespace limner::tests {

// Completes a copy of the Kandinsky 2.2 decoder fixture (pipeline_kandinsky22_inpaint) into a
// whole unCLIP model folder as diffusers' combined inpaint pipeline saves it: prior_prior/,
// prior_text_encoder/, prior_image_encoder/, prior_tokenizer/ and prior_scheduler/, taken from
// the prior, CLIP and UnCLIP scheduler fixtures. Tiny random weights: for architecture tests.
inline void addKandinskyPrior(const std::filesystem::path& parity, const std::filesystem::path& root) {
    namespace fs = std::filesystem;
    const auto component = [&](const char* name, const char* fixture, const char* weights) {
        fs::create_directories(root / name);
        fs::copy_file(parity / fixture / "config.json", root / name / "config.json",
                      fs::copy_options::overwrite_existing);
        fs::copy_file(parity / fixture / "weights.safetensors", root / name / weights,
                      fs::copy_options::overwrite_existing);
    };
    component("prior_prior", "prior", "diffusion_pytorch_model.safetensors");
    component("prior_text_encoder", "clip_text_with_projection", "model.safetensors");
    component("prior_image_encoder", "clip_vision", "model.safetensors");
    // The SD fixture's tokenizer holds the 1000 ids the tiny text towers know.
    fs::copy(parity / "pipeline_sd_inpaint" / "tokenizer", root / "prior_tokenizer",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::create_directories(root / "prior_scheduler");
    fs::copy_file(parity / "sched_unclip_kandinsky22_prior" / "scheduler_config.json",
                  root / "prior_scheduler" / "scheduler_config.json",
                  fs::copy_options::overwrite_existing);
}

} // namespace limner::tests
