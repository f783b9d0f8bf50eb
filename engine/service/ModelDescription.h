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
    std::int64_t parameters = 0; // every floating-point tensor of every component
    // By role, for the memory and time a job needs (JobEstimator):
    std::int64_t runParameters = 0; // the components a run reads (the image tower among them;
                                    //   not a safety checker that only sits in the folder)
    std::int64_t unetParameters = 0;
    std::int64_t imageEncoderParameters = 0; // Kandinsky's CLIP image tower: read only for
                                             //   image prompts and variations
    std::int64_t largestComponentParameters = 0;
    std::string storedDtype;
    std::uint64_t bytesOnDisk = 0;
};

} // namespace limner::engine
