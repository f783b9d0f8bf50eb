#pragma once

#include "engine/core/Status.h"
#include "engine/service/InpaintBackend.h"
#include "engine/service/ModelDescription.h"
#include "engine/service/estimate/JobEstimator.h"

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
        // A model's description and activation arithmetic, for estimates made without loading
        // it (JobEstimator); null for the classical fills.
        std::shared_ptr<const ModelCost> cost{};
    };

    // The classical fills, then the model folders added so far.
    static std::vector<Entry> entries();
    // nullptr when no backend has this name. The pointer stays valid for the program's life.
    static const Entry* find(const std::string& name);

    // Adds a diffusion model folder after checking it as loading would (without reading the
    // tensor data); `name` is what requests pass as their backend ("model:" + folder). Adding
    // a folder twice checks it again and keeps one entry. Thread-safe. In a build without
    // engine/ml, fails with DeviceUnavailable.
    // priorFolder: a Kandinsky decoder's prior pipeline kept in a folder of its own.
    static Status addModel(const std::string& folder, std::string& name,
                           ModelDescription* description = nullptr,
                           const std::string& priorFolder = {});
    // Takes a model backend off the list: entries() leaves it out and find() answers nullptr
    // from now on, until addModel adds its folder again. Pointers find() gave out stay valid.
    // Thread-safe. Classical fills cannot be removed (false).
    static bool removeModel(const std::string& name);
    // True when this build can run diffusion models (engine/ml was built).
    static bool modelsSupported();
};

} // namespace limner::engine
