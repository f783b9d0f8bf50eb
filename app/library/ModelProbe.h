#pragma once

#include "app/library/LibraryEntry.h"

#include <string>

namespace limner::app {

// Reads one model where it lives into a LibraryEntry, from its model_index.json, configs and
// safetensors headers alone: never tensor data, never a pickle (those are only listed by name).
// What it decides matches what the engine's loader would (PipelineFolder): the same weight
// files (plain safetensors, a sharded index, else a variant, fp16 first), the same families.
// The prior of a Kandinsky decoder is found by ModelLibrary, which knows the other entries.
// Thread safety: stateless; any thread.
class ModelProbe {
public:
    // A folder in the diffusers layout, a cache snapshot included: fills entry's family,
    // parameters, stored precision, size, components, state and problem (name, location, source
    // and kind are the caller's). False when the folder does not look like a model at all
    // (neither model_index.json nor unet/ nor prior/), and entry is left alone.
    static bool probeFolder(const std::string& folder, LibraryEntry& entry);
    // A single file: a safetensors checkpoint (read from its header) or a pickle (by its name,
    // never opened). False for other files, and for safetensors that hold no diffusion model
    // when onlyCheckpoints is set (a folder of the user's may hold LoRAs and VAEs too).
    static bool probeFile(const std::string& path, bool onlyCheckpoints, LibraryEntry& entry);

    // The paired prior's parts, parameters and size added to a decoder's entry (and its
    // prior's problem, when it has one, instead of "ready").
    static void addPrior(const LibraryEntry& prior, LibraryEntry& decoder);
    // Whether folder holds a Kandinsky 2.2 prior pipeline (prior/, text_encoder/,
    // image_encoder/, tokenizer/, scheduler/), as attachPrior() wants it.
    static bool isPriorPipeline(const std::string& folder);

    static bool isPickleName(const std::string& path);
    static bool isSafetensorsName(const std::string& path);
};

} // namespace limner::app
