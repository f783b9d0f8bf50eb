#pragma once

#include "engine/core/Status.h"

#include <nlohmann/json.hpp>
#include <string>

namespace limner::engine::ml {

// Reads the JSON that Python's json module writes, which may hold the non-standard literals
// NaN, Infinity and -Infinity (diffusers saves lambda_min_clipped = -inf that way). They are
// turned into the strings "NaN", "Infinity" and "-Infinity"; ConfigReader::number() reads them.
class JsonFile {
public:
    static Status read(const std::string& path, nlohmann::json& out);
    static Status parse(const std::string& text, const std::string& source, nlohmann::json& out);
};

} // namespace limner::engine::ml
