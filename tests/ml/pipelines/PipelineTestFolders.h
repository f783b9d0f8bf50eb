#pragma once

#include <ATen/core/Tensor.h>
#include <string>

namespace limner::tests {

// Model folders for the pipeline tests, made from the parity fixtures.
class PipelineTestFolders {
public:
    static std::string parityDir(); // $LIMNER_PARITY_DIR or tests/data/parity
    static std::string stableDiffusion() { return parityDir() + "/pipeline_sd_inpaint"; }
    static std::string kandinskyDecoder() { return parityDir() + "/pipeline_kandinsky22_inpaint"; }
    // A fresh temporary folder; all of them are removed when the test process exits.
    static std::string scratch(const std::string& name);
    // The Kandinsky decoder folder plus a prior (prior_prior/, prior_text_encoder/, …) assembled
    // from the prior, clip_text_with_projection, clip_vision and UnCLIP scheduler fixtures, as
    // diffusers' combined inpaint pipeline saves it.
    static std::string kandinskyWithPrior();
    // A Kandinsky 2.2 prior pipeline folder of its own (prior/, text_encoder/, image_encoder/,
    // tokenizer/, scheduler/, model_index.json), as kandinsky-community/kandinsky-2-2-prior.
    static std::string kandinskyPriorPipeline();
    // Puts a copy of folder `source` into the hub cache at cacheRoot as huggingface_hub does:
    // each file a blob named by a hash of its content, the snapshot holding relative links to
    // the blobs, refs/main naming the commit. Returns the snapshot folder.
    static std::string addToHubCache(const std::string& cacheRoot, const std::string& repoId,
                                     const std::string& source, const std::string& commit);
    // A copy of `source` (recursive).
    static std::string copyOf(const std::string& source, const std::string& name);
    // A [1, 3, size, size] image in [0, 1] and a [1, 1, size, size] mask repainting the middle.
    static at::Tensor image(std::int64_t size);
    static at::Tensor centreMask(std::int64_t size);
};

} // namespace limner::tests
