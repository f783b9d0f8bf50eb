#pragma once

#include "engine/core/Status.h"

#include <ATen/core/Tensor.h>
#include <string>
#include <vector>

namespace limner::engine::ml {

// Kandinsky's negative image embedding (the CLIP image tower run on an all-zero picture, as
// diffusers' get_zero_embed does) depends on the tower's weights alone. Computing it means
// reading the whole tower (3.7 GB for Kandinsky 2.2), so it is computed once per set of weights
// and kept on disk, in <cache>/zero-image-embeddings/ (<cache>: $LIMNER_CACHE_DIR, else
// $XDG_CACHE_HOME/limner, else ~/.cache/limner), named by the weights' SHA-256 and the dtype it
// was computed in. A weights file that is a hub blob is named by its SHA-256 already; any other
// file is hashed once and the digest remembered for its path, size and modification time.
// Thread safety: files are written next to their place and renamed, so concurrent users see
// whole files or none.
class ZeroEmbeddingCache {
public:
    static std::string directory();

    // The key of an embedding made from these weight files in this dtype ("float32", …).
    static Status key(const std::vector<std::string>& weightFiles, const std::string& dtype,
                      std::string& out);
    // False when there is no entry (or it cannot be read): compute and store() it.
    static bool load(const std::string& key, at::Tensor& embedding);
    // Best effort: a cache that cannot be written only costs time later.
    static void store(const std::string& key, const at::Tensor& embedding);
};

} // namespace limner::engine::ml
