#pragma once

#include "engine/core/Status.h"

#include <cstdint>
#include <string>

namespace limner::engine::ml::train {

// One training stage of limner-mini. Stages run in the DALL·E 2 order and each reads the
// finished components of the earlier ones from the model folder `model`:
//   tokenizer → movq (autoencoder) → clip (text and image towers, contrastive) → prior →
//   decoder-data → decoder → movq-decoder.
// A stage resumes from <work>/<stage>.checkpoint.safetensors when one exists, stops after
// `steps` optimiser steps or `minutes` of training (whichever comes first, resumed time
// included), and then writes its component(s) into `model`.
struct StageOptions {
    std::string model; // the diffusers folder being built
    std::string work;  // checkpoints
    std::int64_t steps = 1000;
    double minutes = 60;
    int batch = 16;
    double learningRate = 1e-3;
    std::uint64_t seed = 1; // the world's training stream
    int logEvery = 25;
    // > 0: keep an exponential moving average of the trained weights (decay min(emaDecay,
    // (1 + step) / (10 + step))) and write it instead of the last step's weights.
    double emaDecay = 0;
    // The decoder stage's scenes (encoded once into <work>/decoder-data.safetensors).
    std::int64_t decoderScenes = 16384;
    double checkpointSeconds = 300;
    // Threads that share each step of a stage whose batch rows are independent (the decoder):
    // each runs the model on its part of the batch. Two single-threaded workers do more on two
    // cores than one worker with two intra-op threads, whose tensors are too small to split well.
    int workers = 1;
};

Status writeTokenizerStage(const StageOptions& o);
Status trainAutoencoder(const StageOptions& o);
// After the decoder: the MoVQ decoder learns to decode slightly-off latents (the encoder is
// unchanged, so the UNet's training data stays valid).
Status trainRobustDecoder(const StageOptions& o);
Status trainClip(const StageOptions& o);
Status trainPrior(const StageOptions& o);
// Encodes the decoder's scenes once (<work>/decoder-data.safetensors; see trainDecoder). A stage
// of its own so that each stage keeps within its hour; the decoder stage encodes them itself
// when the file is missing or does not match.
Status encodeDecoderData(const StageOptions& o);
Status trainDecoder(const StageOptions& o);
// model_index.json, scheduler configs, image processor config.
Status writeStaticFiles(const StageOptions& o);

} // namespace limner::engine::ml::train
