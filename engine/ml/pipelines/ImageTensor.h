#pragma once

#include "engine/core/Image.h"

#include <ATen/core/Tensor.h>

namespace limner::engine::ml {

// Converts between the engine's 8-bit images and the float tensors of the pipelines.
class ImageTensor {
public:
    // [1, channels, H, W] float32 in [0, 1] on the CPU (RGBA keeps its alpha channel).
    static at::Tensor fromImage(const Image& image);
    // [channels, H, W] (or [1, channels, H, W]) in [0, 1], any device → 8-bit image, rounded.
    static Image toImage(const at::Tensor& tensor);
};

} // namespace limner::engine::ml
