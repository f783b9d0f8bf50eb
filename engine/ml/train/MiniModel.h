#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace limner::engine::ml::train {

// The configurations of limner-mini's components: the classes and config keys of Kandinsky 2.2
// (diffusers 0.25 / transformers 4.36), sized for 128 × 128 scenes on a 2-core CPU.
struct MiniModel {
    static constexpr int kTokens = 32;        // text length (tokenizer, text tower, prior)
    static constexpr int kEmbedding = 64;     // CLIP embedding width
    static constexpr int kImageSize = 64;     // CLIP vision input
    static constexpr int kLatentSide = 16;    // 128 / MoVQ factor 8
    static constexpr int kLatentChannels = 4; // MoVQ latents (the UNet: 2c + 1 in, c out)

    static nlohmann::json textEncoder(std::int64_t vocabSize, std::int64_t bosId, std::int64_t eosId,
                                      std::int64_t padId);
    static nlohmann::json imageEncoder();
    static nlohmann::json imageProcessor();
    static nlohmann::json prior();
    static nlohmann::json priorScheduler();
    static nlohmann::json movq();
    static nlohmann::json unet();
    static nlohmann::json scheduler();
    static nlohmann::json modelIndex();
};

} // namespace limner::engine::ml::train
