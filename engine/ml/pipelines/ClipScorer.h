#pragma once

#include "engine/core/Image.h"
#include "engine/core/Status.h"

#include <memory>
#include <string>
#include <vector>

namespace limner::engine::ml {

// How well a picture matches texts in the eyes of a Kandinsky 2.2 model's own CLIP (the prior's
// text and image towers): the cosine similarity of the picture's CLIP image embedding and each
// text's CLIP text embedding. A judge for evaluations (limner-cli eval-mini), not for pictures
// shown to users. No tensor in this header: app code may use it.
//
//   ClipScorer scorer;
//   if (Status s = ClipScorer::load("models/limner-mini", scorer); !s) …
//   std::vector<double> similarity;
//   scorer.score(crop, {"a small red star", "a small blue star"}, similarity);
//
// Runs on the CPU in float32. Not thread-safe: use one scorer from one thread (it caches the
// text embeddings it has computed).
class ClipScorer {
public:
    ClipScorer();
    ~ClipScorer();
    ClipScorer(ClipScorer&&) noexcept;
    ClipScorer& operator=(ClipScorer&&) noexcept;

    // Loads the prior's CLIP towers of a Kandinsky 2.2 model folder (prior_text_encoder/, … or
    // prior/ …: whatever KandinskyPrior finds). NotFound when the folder has no prior.
    static Status load(const std::string& folder, ClipScorer& out);

    bool isLoaded() const { return m_impl != nullptr; }
    // similarities[i] = cos(image embedding of `image`, text embedding of prompts[i]), in
    // [-1, 1]. `image` is RGB or RGBA (alpha ignored), any size; CLIP's processor resizes the
    // shortest side and centre-crops.
    Status score(const Image& image, const std::vector<std::string>& prompts,
                 std::vector<double>& similarities) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace limner::engine::ml
