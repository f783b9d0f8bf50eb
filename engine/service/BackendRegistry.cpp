#include "engine/service/BackendRegistry.h"

#include "engine/service/ClassicalInpaintBackend.h"

#include <algorithm>

namespace limner::engine {

namespace {

BackendRegistry::Entry classical(imaging::ClassicalFillMethod method, std::string name,
                                 std::string label) {
    return {name, label, [=] {
                return std::make_unique<ClassicalInpaintBackend>(method, name, label);
            }};
}

} // namespace

const std::vector<BackendRegistry::Entry>& BackendRegistry::entries() {
    static const std::vector<Entry> all{
        classical(imaging::ClassicalFillMethod::Telea, "telea", "OpenCV Telea"),
        classical(imaging::ClassicalFillMethod::NavierStokes, "navier-stokes", "OpenCV Navier–Stokes"),
        classical(imaging::ClassicalFillMethod::Fsr, "fsr", "OpenCV xphoto FSR"),
    };
    return all;
}

const BackendRegistry::Entry* BackendRegistry::find(const std::string& name) {
    const auto& all = entries();
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const Entry& e) { return e.name == name; });
    return it == all.end() ? nullptr : &*it;
}

} // namespace limner::engine
