#pragma once

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <vector>

namespace limner::engine::ml {

// Seconds spent per stage (the device is synchronised at each stage's end, never inside the
// denoising loop).
struct InpaintTimings {
    double text = 0;        // tokenizer + text encoder
    double prior = 0;       // Kandinsky prior loop (and image prompt embeddings)
    double denoise = 0;     // the UNet loop
    double autoencoder = 0; // encoding the image and decoding the result
};

struct InpaintOutput {
    at::Tensor images;  // [candidates, 3, H, W] float in [0, 1], on the CPU
    at::Tensor decoded; // the raw decoder output (roughly [-1, 1], unclamped), on the device
    std::vector<std::uint64_t> seeds; // the seed of each candidate
    InpaintTimings timings;
};

} // namespace limner::engine::ml
