#pragma once

#include "engine/ml/train/World.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {
class ClipTokenizer;
}

namespace limner::engine::ml::train {

struct SceneBatch {
    std::vector<Scene> scenes;
    at::Tensor images; // [count, 3, 128, 128] float in [0, 1]
};

// Scenes first … first + count - 1 of the stream `seed`, rendered.
SceneBatch sceneBatch(std::uint64_t seed, std::uint64_t first, int count);
// RGB bytes (kSceneSide² × 3) as [1, 3, side, side] in [0, 1].
at::Tensor imageTensor(const std::vector<std::uint8_t>& rgb);

// What the prior's image encoder sees, as KandinskyPrior::imageEmbedding prepares it
// (CLIPImageProcessor: bicubic antialiased resize to image_size, normalise).
at::Tensor clipPixels(const at::Tensor& images01, const nlohmann::json& processorConfig);

struct TokenIds {
    at::Tensor ids;  // [batch, length] int64
    at::Tensor mask; // [batch, length] int64, 1 for real tokens
};
TokenIds tokenIds(const ClipTokenizer& tokenizer, const std::vector<std::string>& texts, int length);

// An object's box grown by `margin` px, clipped to the scene: [x0, x1) × [y0, y1).
struct PixelBox {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
PixelBox objectBox(const WorldObject& object, int margin);

// What CLIP sees of one box of a picture ([1, 3, side, side] in [0, 1]), prepared as
// KandinskyPrior::imageEmbedding prepares any picture (and so as the evaluation's CLIP judge
// sees a crop): shortest side to image_size, centre crop, normalise. [1, 3, size, size].
at::Tensor clipPixelsOfBox(const at::Tensor& image01, const PixelBox& box,
                           const nlohmann::json& processorConfig);

// Regenerate masks for the decoder ([count, 1, 128, 128], 1 = regenerate): the box of the
// scene's object `targets[i]` grown by a margin (55 %, onTarget[i] true), a random box (15 %),
// brush strokes (10 %), an outpainting border (12 %) or the whole image (8 %).
struct TrainingMasks {
    at::Tensor masks;
    std::vector<bool> onTarget;
};
TrainingMasks trainingMasks(const std::vector<Scene>& scenes, const std::vector<int>& targets,
                            WorldRandom& rng);

} // namespace limner::engine::ml::train
