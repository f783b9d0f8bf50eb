#include "engine/ml/nn/ModelConfig.h"

#include "engine/ml/nn/ModelFormatError.h"

namespace limner::engine::ml {

ModelConfig::ModelConfig(const nlohmann::json& json, std::string modelName)
    : m_json(json)
    , m_modelName(std::move(modelName)) {
    if (!m_json.is_object())
        throw ModelFormatError(m_modelName + " config is not a JSON object");
}

const nlohmann::json* ModelConfig::find(const std::string& key) const {
    auto it = m_json.find(key);
    return it == m_json.end() ? nullptr : &*it;
}

void ModelConfig::wrongType(const std::string& key, const char* expected) const {
    throw ModelFormatError(m_modelName + " config key '" + key + "' = " + find(key)->dump() +
                           " should be " + expected);
}

void ModelConfig::refuse(const std::string& key, const std::string& why) const {
    const nlohmann::json* v = find(key);
    throw ModelFormatError(m_modelName + " config key '" + key +
                           "' = " + (v ? v->dump() : std::string("(absent)")) + " is not supported (" +
                           why + ")");
}

void ModelConfig::requireOneOf(const std::string& key,
                               const std::vector<nlohmann::json>& accepted) const {
    const nlohmann::json* v = find(key);
    if (!v || v->is_null())
        return;
    for (const nlohmann::json& a : accepted) {
        if (*v == a)
            return;
    }
    std::string list;
    for (const nlohmann::json& a : accepted)
        list += (list.empty() ? "" : ", ") + a.dump();
    refuse(key, "Limner implements " + list);
}

bool ModelConfig::isNull(const std::string& key) const {
    const nlohmann::json* v = find(key);
    return !v || v->is_null();
}

std::int64_t ModelConfig::integer(const std::string& key, std::int64_t fallback) const {
    std::optional<std::int64_t> v = optionalInteger(key);
    return v ? *v : fallback;
}

std::optional<std::int64_t> ModelConfig::optionalInteger(const std::string& key) const {
    const nlohmann::json* v = find(key);
    if (!v || v->is_null())
        return std::nullopt;
    if (!v->is_number_integer())
        wrongType(key, "an integer");
    return v->get<std::int64_t>();
}

double ModelConfig::number(const std::string& key, double fallback) const {
    const nlohmann::json* v = find(key);
    if (!v || v->is_null())
        return fallback;
    if (!v->is_number())
        wrongType(key, "a number");
    return v->get<double>();
}

bool ModelConfig::boolean(const std::string& key, bool fallback) const {
    const nlohmann::json* v = find(key);
    if (!v || v->is_null())
        return fallback;
    if (!v->is_boolean())
        wrongType(key, "true or false");
    return v->get<bool>();
}

std::string ModelConfig::string(const std::string& key, const std::string& fallback) const {
    std::optional<std::string> v = optionalString(key);
    return v ? *v : fallback;
}

std::optional<std::string> ModelConfig::optionalString(const std::string& key) const {
    const nlohmann::json* v = find(key);
    if (!v || v->is_null())
        return std::nullopt;
    if (!v->is_string())
        wrongType(key, "a string");
    return v->get<std::string>();
}

std::vector<std::string> ModelConfig::strings(const std::string& key) const {
    const nlohmann::json* v = find(key);
    if (!v || !v->is_array())
        throw ModelFormatError(m_modelName + " config needs key '" + key + "' as a list of strings");
    std::vector<std::string> out;
    for (const nlohmann::json& e : *v) {
        if (!e.is_string())
            wrongType(key, "a list of strings");
        out.push_back(e.get<std::string>());
    }
    return out;
}

std::vector<std::int64_t> ModelConfig::integers(const std::string& key) const {
    const nlohmann::json* v = find(key);
    if (!v || !v->is_array())
        throw ModelFormatError(m_modelName + " config needs key '" + key + "' as a list of integers");
    std::vector<std::int64_t> out;
    for (const nlohmann::json& e : *v) {
        if (!e.is_number_integer())
            wrongType(key, "a list of integers");
        out.push_back(e.get<std::int64_t>());
    }
    return out;
}

std::vector<std::optional<std::int64_t>>
ModelConfig::perBlock(const std::string& key, std::size_t count,
                      std::optional<std::int64_t> fallback) const {
    const nlohmann::json* v = find(key);
    if (!v || v->is_null())
        return std::vector<std::optional<std::int64_t>>(count, fallback);
    if (v->is_number_integer())
        return std::vector<std::optional<std::int64_t>>(count, v->get<std::int64_t>());
    if (!v->is_array())
        wrongType(key, "an integer or a list of integers");
    if (v->size() != count)
        refuse(key, "it needs one entry per block, " + std::to_string(count) + " blocks");
    std::vector<std::optional<std::int64_t>> out;
    for (const nlohmann::json& e : *v) {
        if (e.is_null())
            out.push_back(std::nullopt);
        else if (e.is_number_integer())
            out.push_back(e.get<std::int64_t>());
        else
            wrongType(key, "an integer or a list of integers");
    }
    return out;
}

} // namespace limner::engine::ml
