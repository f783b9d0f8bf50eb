#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace limner::engine::ml {

// What the user chose for one inpainting job. Defaults are those of the diffusers pipelines.
struct InpaintParameters {
    std::string prompt;
    std::string negativePrompt;
    int steps = 50;
    double guidanceScale = 4.0; // classifier-free guidance; <= 1 runs without guidance
    // Candidate i draws all its noise from a generator seeded with seed + i, so one candidate can
    // be reproduced alone; same seed, device and dtype give the same pixels.
    std::uint64_t seed = 0;
    // 1 = start from pure noise; below 1 the known image is noised to the matching timestep and
    // only the last round(steps · strength) steps run (img2img inside the mask).
    double strength = 1.0;
    // "" (the model's own scheduler), "ddpm", "ddim", "pndm", "euler", "euler-ancestral",
    // "dpm++2m", "dpm++2m-karras", "unipc" — see SchedulerChoice.
    std::string scheduler;
    int candidates = 1;
    double eta = 0.0; // DDIM only
    // false: the mask is binarised at 0.5. true: its grey levels are per-pixel strength
    // (differential diffusion, see DenoisingLoop): 1 regenerates, 0 keeps, 0.3 changes a little.
    bool softMask = false;

    // Kandinsky 2.2 (unCLIP) only: the prior stage and image prompts.
    int priorSteps = 25;
    double priorGuidanceScale = 4.0;
    // Reference images whose CLIP image embeddings are mixed with the prompt's prior output:
    // embedding = textWeight · prior(prompt) + Σ weight_i · clip_image(image_i). Pixels as
    // [1, 3, H, W] float in [0, 1] are passed in InpaintTensors::imagePrompts; their weights here.
    std::vector<double> imagePromptWeights;
    double textWeight = 1.0;
};

} // namespace limner::engine::ml
