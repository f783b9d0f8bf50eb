#include "engine/service/estimate/ResidentModels.h"

#include <algorithm>
#include <mutex>

namespace limner::engine {

namespace {

struct State {
    std::mutex mutex;
    std::vector<ResidentModels::Model> models;
};

State& state() {
    static State s;
    return s;
}

void erase(std::vector<ResidentModels::Model>& models, const std::string& backend) {
    models.erase(std::remove_if(models.begin(), models.end(),
                                [&](const ResidentModels::Model& m) { return m.backend == backend; }),
                 models.end());
}

} // namespace

void ResidentModels::loaded(const Model& model) {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    erase(s.models, model.backend);
    s.models.push_back(model);
}

void ResidentModels::freed(const std::string& backend) {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    erase(s.models, backend);
}

std::vector<ResidentModels::Model> ResidentModels::all() {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    return s.models;
}

int ResidentModels::count() {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    return static_cast<int>(s.models.size());
}

} // namespace limner::engine
