#pragma once

#include <string>
#include <vector>

namespace limner::engine::ml {

// The YAML front matter of a model's README.md (its model card on the hub), read for the one
// key Limner needs: `prior:`, by which a Kandinsky decoder names the prior pipeline it runs with
// (kandinsky-community/kandinsky-2-2-decoder-inpaint names kandinsky-community/kandinsky-2-2-prior).
// Only the front matter's block-list, flow-list and scalar forms of a top-level key are read.
class ModelCard {
public:
    // The values of a top-level key of the front matter of readmePath; empty when the file,
    // its front matter or the key is missing.
    static std::vector<std::string> values(const std::string& readmePath, const std::string& key);
    // values(readme, "prior") that are repo ids (ORG/NAME).
    static std::vector<std::string> priorRepos(const std::string& readmePath);
};

} // namespace limner::engine::ml
