#pragma once

#include <cstdint>
#include <string>

namespace limner::engine {

// What a model folder is, found once when it is added (BackendRegistry::addModel): what
// Preferences ▸ Models shows.
struct ModelDescription {
    std::string folder;
    // A Kandinsky decoder's prior pipeline when it lives in a folder of its own (chosen by the
    // user or found in a hub cache through the model card); empty when the folder holds it.
    std::string priorFolder;
    std::string family; // "Kandinsky 2.2", "Stable Diffusion"
    int nativeSize = 512;
    int sizeMultiple = 64;
    bool acceptsPrompt = true;
    bool acceptsImagePrompts = false;
    std::int64_t parameters = 0;
    std::string storedDtype;
    std::uint64_t bytesOnDisk = 0;
};

} // namespace limner::engine
