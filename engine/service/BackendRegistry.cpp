#include "engine/service/BackendRegistry.h"

#include "engine/service/ClassicalInpaintBackend.h"

#ifdef LIMNER_HAVE_MODELS
#include "engine/service/model/ModelBackend.h"
#endif

#include <algorithm>
#include <deque>
#include <mutex>
#include <set>

namespace limner::engine {

namespace {

BackendRegistry::Entry classical(imaging::ClassicalFillMethod method, std::string name,
                                 std::string label) {
    return {name, label, [=] {
                return std::make_unique<ClassicalInpaintBackend>(method, name, label);
            }};
}

const std::vector<BackendRegistry::Entry>& classicalEntries() {
    static const std::vector<BackendRegistry::Entry> all{
        classical(imaging::ClassicalFillMethod::Telea, "telea", "OpenCV Telea"),
        classical(imaging::ClassicalFillMethod::NavierStokes, "navier-stokes", "OpenCV Navier–Stokes"),
        classical(imaging::ClassicalFillMethod::Fsr, "fsr", "OpenCV xphoto FSR"),
    };
    return all;
}

// Model folders added at run time; a deque so that find()'s pointers stay valid, and so a removed
// model is only marked as such.
struct ModelEntries {
    std::mutex mutex;
    std::deque<BackendRegistry::Entry> entries;
    std::set<std::string> removed;
};

ModelEntries& modelEntries() {
    static ModelEntries models;
    return models;
}

} // namespace

std::vector<BackendRegistry::Entry> BackendRegistry::entries() {
    std::vector<Entry> all = classicalEntries();
    ModelEntries& models = modelEntries();
    const std::lock_guard<std::mutex> lock(models.mutex);
    for (const Entry& entry : models.entries) {
        if (models.removed.count(entry.name) == 0)
            all.push_back(entry);
    }
    return all;
}

const BackendRegistry::Entry* BackendRegistry::find(const std::string& name) {
    const auto& classicalAll = classicalEntries();
    const auto it = std::find_if(classicalAll.begin(), classicalAll.end(),
                                 [&](const Entry& e) { return e.name == name; });
    if (it != classicalAll.end())
        return &*it;
    ModelEntries& models = modelEntries();
    const std::lock_guard<std::mutex> lock(models.mutex);
    if (models.removed.count(name) > 0)
        return nullptr;
    const auto model = std::find_if(models.entries.begin(), models.entries.end(),
                                    [&](const Entry& e) { return e.name == name; });
    return model == models.entries.end() ? nullptr : &*model;
}

bool BackendRegistry::removeModel(const std::string& name) {
    ModelEntries& models = modelEntries();
    const std::lock_guard<std::mutex> lock(models.mutex);
    const bool known = std::any_of(models.entries.begin(), models.entries.end(),
                                   [&](const Entry& e) { return e.name == name; });
    if (known)
        models.removed.insert(name);
    return known;
}

bool BackendRegistry::modelsSupported() {
#ifdef LIMNER_HAVE_MODELS
    return true;
#else
    return false;
#endif
}

Status BackendRegistry::addModel(const std::string& folder, std::string& name,
                                 ModelDescription* describedAs, const std::string& priorFolder) {
#ifdef LIMNER_HAVE_MODELS
    auto cost = std::make_shared<ModelCost>();
    if (Status s = describeModel(folder, priorFolder, cost->description, &cost->activationBytes); !s)
        return s;
    const ModelDescription& description = cost->description;
    cost->backend = ModelBackend::nameFor(folder);
    Entry entry;
    entry.name = cost->backend;
    entry.label = ModelBackend::labelFor(description);
    entry.geometry = ModelBackend::geometryFor(description);
    entry.cost = cost;
    entry.create = [cost] {
        return std::make_unique<ModelBackend>(cost);
    };
    ModelEntries& models = modelEntries();
    const std::lock_guard<std::mutex> lock(models.mutex);
    const auto existing = std::find_if(models.entries.begin(), models.entries.end(),
                                       [&](const Entry& e) { return e.name == entry.name; });
    // An entry is never changed once added: find()'s callers read it without the lock.
    if (existing == models.entries.end())
        models.entries.push_back(entry);
    models.removed.erase(entry.name);
    name = entry.name;
    if (describedAs)
        *describedAs = description;
    return Status::ok();
#else
    (void)folder;
    (void)name;
    (void)describedAs;
    (void)priorFolder;
    return Status::deviceUnavailable("this build of Limner has no diffusion support (it was built "
                                     "without libtorch); only the classical fills are available");
#endif
}

} // namespace limner::engine
