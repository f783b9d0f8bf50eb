#include "engine/ml/train/WorldTokenizer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace limner::engine::ml::train {

namespace {

std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

// GPT-2 / CLIP bytes_to_unicode, in its order: printable bytes map to themselves, the rest to
// U+0100 onwards.
std::vector<std::pair<int, std::string>> byteSymbols() {
    std::vector<int> bytes;
    for (int b = '!'; b <= '~'; ++b)
        bytes.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b)
        bytes.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b)
        bytes.push_back(b);
    std::vector<std::pair<int, std::string>> out;
    for (int b : bytes)
        out.emplace_back(b, utf8(static_cast<char32_t>(b)));
    int n = 0;
    for (int b = 0; b < 256; ++b) {
        if (std::find(bytes.begin(), bytes.end(), b) == bytes.end())
            out.emplace_back(b, utf8(static_cast<char32_t>(256 + n++)));
    }
    return out;
}

bool writeText(const std::filesystem::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    return static_cast<bool>(f);
}

} // namespace

Status writeWorldTokenizer(const std::string& folder, const std::vector<std::string>& corpus,
                           int modelMaxLength, int maxMerges) {
    namespace fs = std::filesystem;
    // Word frequencies; captions are lower-case letters, spaces and commas (a token of its own).
    std::map<std::string, long> frequency;
    for (const std::string& text : corpus) {
        std::string word;
        for (char c : text + " ") {
            if (c >= 'a' && c <= 'z') {
                word += c;
            } else if (!word.empty()) {
                ++frequency[word];
                word.clear();
            }
        }
    }
    std::vector<std::pair<std::vector<std::string>, long>> words;
    for (const auto& [word, count] : frequency) {
        std::vector<std::string> symbols;
        for (char c : word)
            symbols.emplace_back(1, c);
        symbols.back() += "</w>";
        words.emplace_back(symbols, count);
    }
    std::vector<std::pair<std::string, std::string>> merges;
    while (static_cast<int>(merges.size()) < maxMerges) {
        std::map<std::pair<std::string, std::string>, long> pairs;
        for (const auto& [symbols, count] : words) {
            for (std::size_t i = 0; i + 1 < symbols.size(); ++i)
                pairs[{symbols[i], symbols[i + 1]}] += count;
        }
        if (pairs.empty())
            break;
        auto best = pairs.begin(); // ties: the first pair in lexicographic order
        for (auto it = pairs.begin(); it != pairs.end(); ++it) {
            if (it->second > best->second)
                best = it;
        }
        const auto pair = best->first;
        merges.push_back(pair);
        for (auto& [symbols, count] : words) {
            std::vector<std::string> merged;
            for (std::size_t i = 0; i < symbols.size(); ++i) {
                if (i + 1 < symbols.size() && symbols[i] == pair.first &&
                    symbols[i + 1] == pair.second) {
                    merged.push_back(pair.first + pair.second);
                    ++i;
                } else {
                    merged.push_back(symbols[i]);
                }
            }
            symbols = std::move(merged);
        }
    }

    nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
    std::int64_t id = 0;
    const auto symbols = byteSymbols();
    for (const auto& [byte, symbol] : symbols)
        vocab[symbol] = id++;
    for (const auto& [byte, symbol] : symbols)
        vocab[symbol + "</w>"] = id++;
    std::string mergesText = "#version: 0.2\n";
    for (const auto& [left, right] : merges) {
        mergesText += left + " " + right + "\n";
        if (!vocab.contains(left + right))
            vocab[left + right] = id++;
    }
    const std::int64_t bos = id++, eos = id++;
    vocab["<|startoftext|>"] = bos;
    vocab["<|endoftext|>"] = eos;

    const auto special = [](const char* content) {
        return nlohmann::ordered_json{{"content", content},
                                      {"lstrip", false},
                                      {"normalized", true},
                                      {"rstrip", false},
                                      {"single_word", false}};
    };
    nlohmann::ordered_json config{{"added_tokens_decoder",
                                   {{std::to_string(bos), special("<|startoftext|>")},
                                    {std::to_string(eos), special("<|endoftext|>")}}},
                                  {"bos_token", "<|startoftext|>"},
                                  {"clean_up_tokenization_spaces", true},
                                  {"eos_token", "<|endoftext|>"},
                                  {"errors", "replace"},
                                  {"model_max_length", modelMaxLength},
                                  {"pad_token", "<|endoftext|>"},
                                  {"tokenizer_class", "CLIPTokenizer"},
                                  {"unk_token", "<|endoftext|>"}};
    for (auto& [key, value] : config["added_tokens_decoder"].items())
        value["special"] = true;
    const nlohmann::ordered_json map{{"bos_token", special("<|startoftext|>")},
                                     {"eos_token", special("<|endoftext|>")},
                                     {"pad_token", special("<|endoftext|>")},
                                     {"unk_token", special("<|endoftext|>")}};
    std::error_code ec;
    fs::create_directories(folder, ec);
    const fs::path dir(folder);
    if (!writeText(dir / "vocab.json", vocab.dump(2) + "\n") ||
        !writeText(dir / "merges.txt", mergesText) ||
        !writeText(dir / "tokenizer_config.json", config.dump(2) + "\n") ||
        !writeText(dir / "special_tokens_map.json", map.dump(2) + "\n"))
        return Status::internal("cannot write the tokenizer into " + folder);
    return Status::ok();
}

} // namespace limner::engine::ml::train
