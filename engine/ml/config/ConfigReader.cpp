#include "engine/ml/config/ConfigReader.h"

#include <limits>

namespace limner::engine::ml {

namespace {

std::string shown(const nlohmann::json& value) {
    std::string text = value.dump();
    return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

} // namespace

ConfigReader::ConfigReader(const nlohmann::json& json, std::string source)
    : m_json(json)
    , m_source(std::move(source)) {
    if (!m_json.is_object())
        m_status = Status::modelFormat(m_source + " is not a JSON object");
}

const nlohmann::json* ConfigReader::find(const std::string& key) const {
    if (!m_json.is_object())
        return nullptr;
    const auto it = m_json.find(key);
    return (it == m_json.end() || it->is_null()) ? nullptr : &*it;
}

bool ConfigReader::has(const std::string& key) const {
    return find(key) != nullptr;
}

void ConfigReader::fail(const std::string& key, const std::string& why) {
    if (m_status)
        m_status = Status::modelFormat(m_source + ": \"" + key + "\" " + why);
}

void ConfigReader::wrongType(const std::string& key, const char* expected) {
    fail(key, "is " + shown(*find(key)) + ", expected " + expected);
}

double ConfigReader::number(const std::string& key, double fallback) {
    const auto* v = find(key);
    if (!v)
        return fallback;
    if (v->is_number())
        return v->get<double>();
    // JsonFile turns Python's non-standard literals into these strings.
    if (v->is_string() && *v == "-Infinity")
        return -std::numeric_limits<double>::infinity();
    if (v->is_string() && *v == "Infinity")
        return std::numeric_limits<double>::infinity();
    if (v->is_string() && *v == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    wrongType(key, "a number");
    return fallback;
}

std::int64_t ConfigReader::integer(const std::string& key, std::int64_t fallback) {
    const auto* v = find(key);
    if (!v)
        return fallback;
    if (v->is_number_integer())
        return v->get<std::int64_t>();
    wrongType(key, "an integer");
    return fallback;
}

bool ConfigReader::boolean(const std::string& key, bool fallback) {
    const auto* v = find(key);
    if (!v)
        return fallback;
    if (v->is_boolean())
        return v->get<bool>();
    wrongType(key, "true or false");
    return fallback;
}

std::string ConfigReader::string(const std::string& key, const std::string& fallback) {
    const auto* v = find(key);
    if (!v)
        return fallback;
    if (v->is_string())
        return v->get<std::string>();
    wrongType(key, "a string");
    return fallback;
}

std::vector<std::int64_t> ConfigReader::integers(const std::string& key,
                                                 const std::vector<std::int64_t>& fallback) {
    const auto* v = find(key);
    if (!v)
        return fallback;
    if (v->is_number_integer())
        return {v->get<std::int64_t>()};
    std::vector<std::int64_t> out;
    if (v->is_array()) {
        for (const auto& item : *v) {
            if (!item.is_number_integer()) {
                wrongType(key, "a list of integers");
                return fallback;
            }
            out.push_back(item.get<std::int64_t>());
        }
        return out;
    }
    wrongType(key, "a list of integers");
    return fallback;
}

std::vector<std::string> ConfigReader::strings(const std::string& key,
                                               const std::vector<std::string>& fallback) {
    const auto* v = find(key);
    if (!v)
        return fallback;
    std::vector<std::string> out;
    if (v->is_array()) {
        for (const auto& item : *v) {
            if (!item.is_string()) {
                wrongType(key, "a list of strings");
                return fallback;
            }
            out.push_back(item.get<std::string>());
        }
        return out;
    }
    wrongType(key, "a list of strings");
    return fallback;
}

std::string ConfigReader::choice(const std::string& key, const std::string& fallback,
                                 std::initializer_list<const char*> supported) {
    const std::string value = string(key, fallback);
    for (const char* s : supported) {
        if (value == s)
            return value;
    }
    std::string list;
    for (const char* s : supported)
        list += (list.empty() ? "" : ", ") + std::string(s);
    fail(key, "is \"" + value + "\", which Limner does not implement (supported: " + list + ")");
    return fallback;
}

void ConfigReader::expect(const std::string& key, const nlohmann::json& implemented) {
    const auto* v = find(key);
    if (v && *v != implemented)
        fail(key,
             "is " + shown(*v) + ", which Limner does not implement (only " + shown(implemented) + ")");
}

} // namespace limner::engine::ml
