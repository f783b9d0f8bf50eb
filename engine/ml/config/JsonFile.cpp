#include "engine/ml/config/JsonFile.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace limner::engine::ml {

Status JsonFile::read(const std::string& path, nlohmann::json& out) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        return Status::notFound("cannot read " + path + ": " + std::strerror(errno));
    std::stringstream text;
    text << stream.rdbuf();
    return parse(text.str(), path, out);
}

Status JsonFile::parse(const std::string& text, const std::string& source, nlohmann::json& out) {
    std::string fixed;
    fixed.reserve(text.size());
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            fixed += c;
            if (c == '\\' && i + 1 < text.size())
                fixed += text[++i];
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            fixed += c;
            continue;
        }
        bool replaced = false;
        for (const char* literal : {"-Infinity", "Infinity", "NaN"}) {
            const std::size_t n = std::strlen(literal);
            if (text.compare(i, n, literal) == 0) {
                fixed += std::string("\"") + literal + "\"";
                i += n - 1;
                replaced = true;
                break;
            }
        }
        if (!replaced)
            fixed += c;
    }
    out = nlohmann::json::parse(fixed, nullptr, /*allow_exceptions=*/false);
    if (out.is_discarded())
        return Status::modelFormat(source + " is not valid JSON; download the model again");
    return Status::ok();
}

} // namespace limner::engine::ml
