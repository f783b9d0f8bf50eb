#include "engine/ml/config/ModelCard.h"

#include "engine/ml/config/HubCache.h"

#include <fstream>

namespace limner::engine::ml {

namespace {

std::string trimmed(const std::string& text) {
    const std::size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos)
        return {};
    const std::size_t last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

std::string unquoted(std::string text) {
    text = trimmed(text);
    if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
        text.back() == text.front())
        return text.substr(1, text.size() - 2);
    return text;
}

std::string withoutComment(const std::string& line) {
    const std::size_t hash = line.find(" #");
    return hash == std::string::npos ? line : line.substr(0, hash);
}

void appendFlowList(const std::string& text, std::vector<std::string>& out) {
    std::string inner = trimmed(text);
    inner = inner.substr(1, inner.size() >= 2 && inner.back() == ']' ? inner.size() - 2 : 0);
    std::size_t start = 0;
    while (start <= inner.size()) {
        const std::size_t comma = inner.find(',', start);
        const std::string item =
            unquoted(inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!item.empty())
            out.push_back(item);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
}

} // namespace

std::vector<std::string> ModelCard::values(const std::string& readmePath, const std::string& key) {
    std::ifstream file(readmePath);
    std::string line;
    if (!file || !std::getline(file, line) || trimmed(line) != "---")
        return {};
    std::vector<std::string> out;
    bool inKey = false;
    // Front matter is short; a README without a closing "---" is not read past 2000 lines.
    for (int lineCount = 0; lineCount < 2000 && std::getline(file, line); ++lineCount) {
        line = withoutComment(line);
        if (trimmed(line) == "---" || trimmed(line) == "...")
            break;
        const bool topLevel = !line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != '-';
        if (topLevel) {
            inKey = false;
            const std::size_t colon = line.find(':');
            if (colon == std::string::npos || trimmed(line.substr(0, colon)) != key)
                continue;
            const std::string value = trimmed(line.substr(colon + 1));
            if (value.empty())
                inKey = true; // a block list follows
            else if (value.front() == '[')
                appendFlowList(value, out);
            else
                out.push_back(unquoted(value));
            continue;
        }
        const std::string item = trimmed(line);
        if (inKey && item.size() > 1 && item[0] == '-' && (item[1] == ' ' || item[1] == '\t'))
            out.push_back(unquoted(item.substr(2)));
    }
    return out;
}

std::vector<std::string> ModelCard::priorRepos(const std::string& readmePath) {
    std::vector<std::string> out;
    for (const std::string& value : values(readmePath, "prior")) {
        if (HubCache::isRepoId(value))
            out.push_back(value);
    }
    return out;
}

} // namespace limner::engine::ml
