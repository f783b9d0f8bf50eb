#include "engine/service/estimate/DeviceSpeeds.h"

#include <cmath>
#include <mutex>

namespace limner::engine {

namespace {

struct State {
    std::mutex mutex;
    std::map<std::string, double> records;
};

State& state() {
    static State s;
    return s;
}

bool usable(double value) {
    return std::isfinite(value) && value > 0;
}

} // namespace

double DeviceSpeeds::get(const std::string& key) {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    const auto it = s.records.find(key);
    return it == s.records.end() ? 0.0 : it->second;
}

void DeviceSpeeds::record(const std::string& key, double value) {
    if (!usable(value))
        return;
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    double& kept = s.records[key];
    kept = kept > 0 ? (kept + value) / 2 : value;
}

std::map<std::string, double> DeviceSpeeds::records() {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    return s.records;
}

void DeviceSpeeds::restore(const std::map<std::string, double>& records) {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    for (const auto& [key, value] : records) {
        if (usable(value))
            s.records[key] = value;
    }
}

void DeviceSpeeds::clear() {
    State& s = state();
    const std::lock_guard<std::mutex> lock(s.mutex);
    s.records.clear();
}

} // namespace limner::engine
