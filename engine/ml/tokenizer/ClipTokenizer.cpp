#include "engine/ml/tokenizer/ClipTokenizer.h"

#include "engine/ml/tokenizer/TextCleaner.h"

#include <algorithm>
#include <climits>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>
#include <zlib.h>

namespace limner::engine::ml {

namespace {

Status readJson(const std::string& path, nlohmann::json& out, bool required) {
    std::ifstream stream(path);
    if (!stream) {
        if (required)
            return Status::notFound("tokenizer file " + path + " is missing");
        out = nlohmann::json::object();
        return Status::ok();
    }
    out = nlohmann::json::parse(stream, nullptr, /*allow_exceptions=*/false);
    if (out.is_discarded() || !out.is_object())
        return Status::modelFormat(path + " is not a JSON object; download the tokenizer again");
    return Status::ok();
}

// A special token in tokenizer_config.json is either a string or {"content": ...}.
std::string tokenContent(const nlohmann::json& config, const char* key, const std::string& fallback) {
    const auto it = config.find(key);
    if (it == config.end())
        return fallback;
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return fallback;
}

// GPT-2's reversible byte-to-character map: printable bytes stand for themselves, the others
// are shifted above U+0100 in byte order.
bool isPrintableByte(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

std::string byteSymbol(int b) {
    if (isPrintableByte(b))
        return TextCleaner::encodeUtf8(static_cast<char32_t>(b));
    int shifted = 0;
    for (int c = 0; c < b; ++c)
        shifted += isPrintableByte(c) ? 0 : 1;
    return TextCleaner::encodeUtf8(static_cast<char32_t>(256 + shifted));
}

// The whole file, gunzipped when it is gzip (zlib reads plain files as they are). Capped: CLIP's
// vocabulary unpacks to 3.2 MB, so anything far larger is not it.
Status readMaybeGzipped(const std::string& path, std::string& out) {
    constexpr std::size_t limit = 64u << 20;
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file)
        return Status::notFound("CLIP vocabulary " + path +
                                " cannot be opened; reinstall Limner or set LIMNER_CLIP_VOCAB");
    std::string text;
    char buffer[1 << 16];
    int read = 0;
    while ((read = gzread(file, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(read));
        if (text.size() > limit) {
            gzclose(file);
            return Status::modelFormat(path +
                                       " unpacks to more than 64 MB; it is not CLIP's vocabulary");
        }
    }
    int error = Z_OK;
    const char* message = gzerror(file, &error);
    const std::string why = message ? message : "";
    gzclose(file);
    if (read < 0 || (error != Z_OK && error != Z_STREAM_END))
        return Status::modelFormat("CLIP vocabulary " + path + " is damaged (" + why +
                                   "); reinstall Limner");
    out = std::move(text);
    return Status::ok();
}

bool isContraction(const std::u32string& s, std::size_t i, std::size_t& length) {
    static const std::u32string suffixes[] = {U"s", U"t", U"re", U"ve", U"m", U"ll", U"d"};
    if (s[i] != U'\'')
        return false;
    for (const auto& suffix : suffixes) {
        if (s.compare(i + 1, suffix.size(), suffix) == 0) {
            length = suffix.size() + 1;
            return true;
        }
    }
    return false;
}

} // namespace

Status ClipTokenizer::load(const std::string& folder, ClipTokenizer& out) {
    ClipTokenizer t;
    nlohmann::json vocab;
    if (Status s = readJson(folder + "/vocab.json", vocab, true); !s)
        return s;
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        if (!it->is_number_integer())
            return Status::modelFormat(folder + "/vocab.json maps \"" + it.key() +
                                       "\" to something other than an id");
        t.m_vocab[it.key()] = it->get<std::int64_t>();
    }
    std::ifstream merges(folder + "/merges.txt");
    if (!merges)
        return Status::notFound("tokenizer file " + folder + "/merges.txt is missing");
    std::string line;
    int rank = 0;
    while (std::getline(merges, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line.rfind("#version", 0) == 0)
            continue;
        const auto space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == line.size())
            return Status::modelFormat(folder + "/merges.txt line \"" + line.substr(0, 60) +
                                       "\" is not a pair");
        t.m_mergeRanks.emplace(line, rank++);
    }

    nlohmann::json config;
    if (Status s = readJson(folder + "/tokenizer_config.json", config, false); !s)
        return s;
    nlohmann::json specialMap;
    if (Status s = readJson(folder + "/special_tokens_map.json", specialMap, false); !s)
        return s;
    const std::string bos =
        tokenContent(specialMap, "bos_token", tokenContent(config, "bos_token", "<|startoftext|>"));
    const std::string eos =
        tokenContent(specialMap, "eos_token", tokenContent(config, "eos_token", "<|endoftext|>"));
    const std::string unk =
        tokenContent(specialMap, "unk_token", tokenContent(config, "unk_token", eos));
    const std::string pad =
        tokenContent(specialMap, "pad_token", tokenContent(config, "pad_token", eos));
    std::vector<std::string> added;
    if (const auto it = config.find("added_tokens_decoder"); it != config.end() && it->is_object()) {
        for (const auto& entry : *it) {
            if (entry.is_object() && entry.contains("content") && entry["content"].is_string())
                added.push_back(entry["content"].get<std::string>());
        }
    }
    if (Status s = t.finish(folder + "/vocab.json", bos, eos, unk, pad, std::move(added)); !s)
        return s;
    if (const auto max = config.find("model_max_length");
        max != config.end() && max->is_number_integer() && max->get<std::int64_t>() > 2 &&
        max->get<std::int64_t>() < 1'000'000)
        t.m_modelMaxLength = max->get<int>();
    out = std::move(t);
    return Status::ok();
}

Status ClipTokenizer::fromBpeVocabulary(const std::string& path, ClipTokenizer& out,
                                        const std::string& padToken) {
    std::string text;
    if (Status s = readMaybeGzipped(path, text); !s)
        return s;
    // Line 0 is a header; CLIP uses merges 1 … 49152-256-2 of the file.
    constexpr int mergeCount = 49152 - 256 - 2;
    std::vector<std::string> merges;
    merges.reserve(mergeCount);
    std::size_t start = text.find('\n');
    while (start != std::string::npos && static_cast<int>(merges.size()) < mergeCount) {
        const std::size_t end = text.find('\n', start + 1);
        std::string line = text.substr(start + 1, end == std::string::npos ? end : end - start - 1);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() && end == std::string::npos)
            break; // the file's final newline
        const auto space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == line.size() ||
            line.find(' ', space + 1) != std::string::npos)
            return Status::modelFormat(path + " line " + std::to_string(merges.size() + 2) + " \"" +
                                       line.substr(0, 60) +
                                       "\" is not a merge pair; reinstall Limner's CLIP vocabulary");
        merges.push_back(std::move(line));
        start = end;
    }
    if (static_cast<int>(merges.size()) < mergeCount)
        return Status::modelFormat(path + " holds " + std::to_string(merges.size()) +
                                   " merges where CLIP's vocabulary has " + std::to_string(mergeCount) +
                                   "; the file is truncated: reinstall Limner's CLIP vocabulary");

    ClipTokenizer t;
    // bytes_to_unicode() order: the printable bytes first, then the others (shifted above U+0100).
    std::vector<std::string> symbols;
    for (const bool printable : {true, false}) {
        for (int b = 0; b < 256; ++b) {
            if (isPrintableByte(b) == printable)
                symbols.push_back(byteSymbol(b));
        }
    }
    std::int64_t id = 0;
    // A later duplicate takes the id, as Python's dict(zip(vocab, range(len(vocab)))) does.
    for (const std::string& symbol : symbols)
        t.m_vocab[symbol] = id++;
    for (const std::string& symbol : symbols)
        t.m_vocab[symbol + "</w>"] = id++;
    int rank = 0;
    for (const std::string& merge : merges) {
        const auto space = merge.find(' ');
        t.m_vocab[merge.substr(0, space) + merge.substr(space + 1)] = id++;
        t.m_mergeRanks.emplace(merge, rank++);
    }
    t.m_vocab["<|startoftext|>"] = id++;
    t.m_vocab["<|endoftext|>"] = id++;
    if (Status s = t.finish(path, "<|startoftext|>", "<|endoftext|>", "<|endoftext|>", padToken, {});
        !s)
        return s;
    t.m_modelMaxLength = 77;
    out = std::move(t);
    return Status::ok();
}

Status ClipTokenizer::finish(const std::string& source, const std::string& bos, const std::string& eos,
                             const std::string& unk, const std::string& pad,
                             std::vector<std::string> otherSpecialTokens) {
    for (const auto& [name, token, id] :
         {std::tuple{"bos_token", bos, &m_bosId}, std::tuple{"eos_token", eos, &m_eosId},
          std::tuple{"unk_token", unk, &m_unkId}, std::tuple{"pad_token", pad, &m_padId}}) {
        const auto it = m_vocab.find(token);
        if (it == m_vocab.end())
            return Status::modelFormat(std::string("the tokenizer's ") + name + " \"" + token +
                                       "\" is not in " + source);
        *id = it->second;
    }
    // transformers splits every special token out of the text before BPE: with SD 2.x's pad
    // token "!" that makes each "!" id 0.
    std::vector<std::string> special = std::move(otherSpecialTokens);
    special.insert(special.end(), {bos, eos, unk, pad});
    std::sort(special.begin(), special.end());
    special.erase(std::unique(special.begin(), special.end()), special.end());
    m_specialTokens.clear();
    for (const auto& s : special)
        m_specialTokens.push_back(TextCleaner::decodeUtf8(s));
    for (int b = 0; b < 256; ++b)
        m_byteEncoder[b] = byteSymbol(b);
    return Status::ok();
}

std::vector<std::string> ClipTokenizer::bpe(const std::string& byteWord) const {
    // Symbols are the byte-level characters (UTF-8 strings); the last one carries "</w>".
    std::vector<std::string> symbols;
    for (std::size_t i = 0; i < byteWord.size();) {
        std::size_t length = 1;
        const auto b = static_cast<unsigned char>(byteWord[i]);
        if (b >= 0xC0)
            length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        symbols.push_back(byteWord.substr(i, length));
        i += length;
    }
    if (symbols.empty())
        return symbols;
    symbols.back() += "</w>";
    while (symbols.size() > 1) {
        int bestRank = INT_MAX;
        std::size_t best = 0;
        for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
            const auto it = m_mergeRanks.find(symbols[i] + " " + symbols[i + 1]);
            if (it != m_mergeRanks.end() && it->second < bestRank) {
                bestRank = it->second;
                best = i;
            }
        }
        if (bestRank == INT_MAX)
            break;
        const std::string left = symbols[best];
        const std::string right = symbols[best + 1];
        std::vector<std::string> merged;
        for (std::size_t i = 0; i < symbols.size(); ++i) {
            if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
                merged.push_back(left + right);
                ++i;
            } else {
                merged.push_back(symbols[i]);
            }
        }
        symbols = std::move(merged);
    }
    return symbols;
}

void ClipTokenizer::appendWordTokens(const std::u32string& word, std::vector<std::string>& out) const {
    std::string byteWord;
    for (unsigned char b : TextCleaner::encodeUtf8(word))
        byteWord += m_byteEncoder[b];
    for (auto& token : bpe(byteWord))
        out.push_back(std::move(token));
}

// The CLIP pre-tokenizer: <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|
// [^\s\p{L}\p{N}]+ over the cleaned, lower-cased text.
void ClipTokenizer::appendChunkTokens(const std::u32string& chunk,
                                      std::vector<std::string>& out) const {
    std::u32string text;
    for (const auto& piece : TextCleaner::basicTokenize(chunk)) {
        if (!text.empty())
            text.push_back(U' ');
        text += piece;
    }
    static const std::u32string literals[] = {U"<|startoftext|>", U"<|endoftext|>"};
    for (std::size_t i = 0; i < text.size();) {
        const char32_t c = text[i];
        bool literal = false;
        for (const auto& l : literals) {
            if (text.compare(i, l.size(), l) == 0) {
                out.push_back(TextCleaner::encodeUtf8(l)); // bpe() maps these to themselves
                i += l.size();
                literal = true;
                break;
            }
        }
        if (literal)
            continue;
        std::size_t length = 0;
        if (isContraction(text, i, length)) {
        } else if (TextCleaner::isLetter(c)) {
            while (i + length < text.size() && TextCleaner::isLetter(text[i + length]))
                ++length;
        } else if (TextCleaner::isNumber(c)) {
            length = 1;
        } else if (c == U' ') {
            ++i;
            continue;
        } else {
            while (i + length < text.size() && text[i + length] != U' ' &&
                   !TextCleaner::isLetter(text[i + length]) && !TextCleaner::isNumber(text[i + length]))
                ++length;
        }
        appendWordTokens(text.substr(i, length), out);
        i += length;
    }
}

std::vector<std::string> ClipTokenizer::tokenize(const std::string& utf8) const {
    const std::u32string text = TextCleaner::decodeUtf8(utf8);
    std::vector<std::string> out;
    std::size_t chunkStart = 0;
    for (std::size_t i = 0; i < text.size();) {
        // Added tokens are split out first, longest match first, as transformers' trie does.
        const std::u32string* match = nullptr;
        for (const auto& special : m_specialTokens) {
            if (text.compare(i, special.size(), special) == 0 &&
                (!match || special.size() > match->size()))
                match = &special;
        }
        if (!match) {
            ++i;
            continue;
        }
        appendChunkTokens(text.substr(chunkStart, i - chunkStart), out);
        out.push_back(TextCleaner::encodeUtf8(*match));
        i += match->size();
        chunkStart = i;
    }
    appendChunkTokens(text.substr(chunkStart), out);
    return out;
}

std::int64_t ClipTokenizer::idOf(const std::string& token) const {
    const auto it = m_vocab.find(token);
    return it == m_vocab.end() ? m_unkId : it->second;
}

std::vector<std::int64_t> ClipTokenizer::encode(const std::string& text) const {
    std::vector<std::int64_t> ids{m_bosId};
    for (const auto& token : tokenize(text))
        ids.push_back(idOf(token));
    ids.push_back(m_eosId);
    return ids;
}

ClipTokenizer::Encoding ClipTokenizer::encodePadded(const std::string& text, int maxLength) const {
    const std::size_t length =
        static_cast<std::size_t>(std::max(2, maxLength > 0 ? maxLength : m_modelMaxLength));
    std::vector<std::int64_t> ids = encode(text);
    Encoding e;
    if (ids.size() > length) {
        ids.resize(length - 1);
        ids.push_back(m_eosId);
        e.truncated = true;
    }
    e.attentionMask.assign(ids.size(), 1);
    e.attentionMask.resize(length, 0);
    ids.resize(length, m_padId);
    e.ids = std::move(ids);
    return e;
}

} // namespace limner::engine::ml
