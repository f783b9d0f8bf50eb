#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace limner::engine {

// The models whose weights are in memory now, one entry per loaded model backend, with what
// they take. A model job frees every other model and reuses or reloads its own, so the estimate
// counts their memory as free for it. Thread-safe; ModelBackend keeps it up to date.
class ResidentModels {
public:
    struct Model {
        std::string backend;           // "model:" + folder
        std::string run;               // device and dtype it was loaded for, "cpu/float32"
        std::uint64_t hostBytes = 0;   // the computer's memory its weights take
        std::uint64_t deviceBytes = 0; // the GPU's
    };

    static void loaded(const Model& model); // replaces an entry of the same backend
    static void freed(const std::string& backend);
    static std::vector<Model> all();
    static int count();
};

} // namespace limner::engine
