#pragma once

#include "engine/core/Status.h"

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace limner::engine::ml {

// Typed, checked access to a diffusers/transformers JSON config. A missing key or null takes
// the library's default; a value of the wrong type, or one the code does not implement,
// records an error naming the file, the key and the value, so a model is never silently run
// as a different one. Reading goes on after an error; status() reports the first.
//
//     ConfigReader c(json, "scheduler/scheduler_config.json");
//     const auto spacing = c.choice("timestep_spacing", "leading", {"leading", "trailing",
//     "linspace"}); c.expect("thresholding", false); if (!c.status()) return c.status();
class ConfigReader {
public:
    ConfigReader(const nlohmann::json& json, std::string source);

    bool has(const std::string& key) const; // present and not null
    double number(const std::string& key, double fallback);
    std::int64_t integer(const std::string& key, std::int64_t fallback);
    bool boolean(const std::string& key, bool fallback);
    std::string string(const std::string& key, const std::string& fallback);
    std::vector<std::int64_t> integers(const std::string& key,
                                       const std::vector<std::int64_t>& fallback);
    std::vector<std::string> strings(const std::string& key, const std::vector<std::string>& fallback);
    // A string that must be one of the supported values.
    std::string choice(const std::string& key, const std::string& fallback,
                       std::initializer_list<const char*> supported);
    // Options that only have one implemented value (thresholding, ...): absent, null or equal.
    void expect(const std::string& key, const nlohmann::json& implemented);
    void fail(const std::string& key, const std::string& why);

    const Status& status() const { return m_status; }
    const nlohmann::json& json() const { return m_json; }
    const std::string& source() const { return m_source; }

private:
    const nlohmann::json* find(const std::string& key) const;
    void wrongType(const std::string& key, const char* expected);

    const nlohmann::json& m_json;
    std::string m_source;
    Status m_status;
};

} // namespace limner::engine::ml
