#pragma once

#include "engine/service/InpaintBackend.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace limner::engine {

// The backends this build offers, in the order the UI lists them. Names and labels are known
// without creating a backend (which may mean loading a model).
class BackendRegistry {
public:
    struct Entry {
        std::string name;
        std::string label;
        std::function<std::unique_ptr<InpaintBackend>()> create;
        // The backend's working size, known without creating it (no model loading): the
        // generation frame takes its aspect and size from it.
        BackendGeometry geometry{};
    };

    static const std::vector<Entry>& entries();
    // nullptr when no backend has this name.
    static const Entry* find(const std::string& name);
};

} // namespace limner::engine
