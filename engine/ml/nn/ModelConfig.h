#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace limner::engine::ml {

// Typed, checked access to a diffusers / transformers config.json. A missing key falls back to
// the library's default (passed by the caller); a key of the wrong type, or a value the caller
// refuses, throws ModelFormatError naming the key and the value, so an unsupported model is
// never silently run as a different one.
class ModelConfig {
public:
    ModelConfig(const nlohmann::json& json, std::string modelName);

    bool isNull(const std::string& key) const;
    std::int64_t integer(const std::string& key, std::int64_t fallback) const;
    std::optional<std::int64_t> optionalInteger(const std::string& key) const;
    double number(const std::string& key, double fallback) const;
    bool boolean(const std::string& key, bool fallback) const;
    std::string string(const std::string& key, const std::string& fallback) const;
    std::optional<std::string> optionalString(const std::string& key) const;
    std::vector<std::string> strings(const std::string& key) const;
    std::vector<std::int64_t> integers(const std::string& key) const;
    // An int or a list of ints, broadcast to `count` entries (diffusers accepts both forms);
    // nullopt entries stand for null.
    std::vector<std::optional<std::int64_t>> perBlock(const std::string& key, std::size_t count,
                                                      std::optional<std::int64_t> fallback) const;

    // Throws: "<model> config key '<key>' = <value> is not supported (<why>)".
    [[noreturn]] void refuse(const std::string& key, const std::string& why) const;
    // Refuses the key unless it is absent, null, or equal to one of `accepted` (JSON values).
    void requireOneOf(const std::string& key, const std::vector<nlohmann::json>& accepted) const;

    const std::string& modelName() const { return m_modelName; }
    const nlohmann::json& json() const { return m_json; }

private:
    const nlohmann::json* find(const std::string& key) const;
    [[noreturn]] void wrongType(const std::string& key, const char* expected) const;

    const nlohmann::json& m_json;
    std::string m_modelName;
};

} // namespace limner::engine::ml
