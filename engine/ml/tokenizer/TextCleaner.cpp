#include "engine/ml/tokenizer/TextCleaner.h"

#include "engine/ml/tokenizer/UnicodeTables.h"

#include <algorithm>

namespace limner::engine::ml {

namespace {

using unicode::CharClass;

CharClass classOf(char32_t c) {
    const auto* end = unicode::categoryRuns + unicode::categoryRunsCount;
    const auto* it =
        std::upper_bound(unicode::categoryRuns, end, std::uint32_t(c),
                         [](std::uint32_t v, const unicode::CategoryRun& r) { return v < r.start; });
    return it == unicode::categoryRuns ? CharClass::Control : CharClass((it - 1)->charClass);
}

bool isCjkIdeograph(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Python's str.split() separators that survive the clean-up (other white space is either a
// space separator, turned into ' ', or a control character, dropped).
bool isSplitSpace(char32_t c) {
    return c == U' ' || c == 0x2028 || c == 0x2029;
}

const unicode::Expansion* findExpansion(const unicode::Expansion* table, std::size_t count,
                                        char32_t c) {
    const auto* end = table + count;
    const auto* it =
        std::lower_bound(table, end, std::uint32_t(c),
                         [](const unicode::Expansion& e, std::uint32_t v) { return e.codePoint < v; });
    return (it != end && it->codePoint == c) ? it : nullptr;
}

char32_t lowerSingle(char32_t c) {
    const auto* end = unicode::lowerRuns + unicode::lowerRunsCount;
    const auto* it =
        std::upper_bound(unicode::lowerRuns, end, std::uint32_t(c),
                         [](std::uint32_t v, const unicode::LowerRun& r) { return v < r.start; });
    if (it == unicode::lowerRuns)
        return c;
    --it;
    if (c > it->end)
        return c;
    if (it->stride > 1 && (c - it->start) % it->stride != 0)
        return c;
    return char32_t(std::int64_t(c) + it->delta);
}

// Approximates Unicode's "cased" property by "letter", which is what matters for the
// Final_Sigma rule in prompts.
bool isCased(char32_t c) {
    return classOf(c) == CharClass::Letter;
}

char32_t composePair(char32_t a, char32_t b) {
    // Hangul syllables compose arithmetically.
    constexpr char32_t sBase = 0xAC00, lBase = 0x1100, vBase = 0x1161, tBase = 0x11A7;
    constexpr int vCount = 21, tCount = 28, nCount = vCount * tCount;
    if (a >= lBase && a < lBase + 19 && b >= vBase && b < vBase + vCount)
        return sBase + ((a - lBase) * vCount + (b - vBase)) * tCount;
    if (a >= sBase && a < sBase + 11172 && (a - sBase) % tCount == 0 && b > tBase && b < tBase + tCount)
        return a + (b - tBase);
    (void)nCount;
    const auto* end = unicode::compositions + unicode::compositionsCount;
    const auto* it = std::lower_bound(
        unicode::compositions, end, std::pair<std::uint32_t, std::uint32_t>(a, b),
        [](const unicode::Composition& c, const std::pair<std::uint32_t, std::uint32_t>& v) {
            return c.first != v.first ? c.first < v.first : c.second < v.second;
        });
    return (it != end && it->first == a && it->second == b) ? char32_t(it->composite) : 0;
}

} // namespace

std::u32string TextCleaner::decodeUtf8(const std::string& text) {
    std::u32string out;
    out.reserve(text.size());
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char b = s[i];
        int length = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        char32_t c = length == 1 ? b : length == 2 ? (b & 0x1F) : length == 3 ? (b & 0x0F) : (b & 0x07);
        bool valid = length > 0 && i + length <= n;
        for (int k = 1; valid && k < length; ++k) {
            valid = (s[i + k] & 0xC0) == 0x80;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        static constexpr char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (valid && (c < minimum[length] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)))
            valid = false;
        if (!valid) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(c);
        i += length;
    }
    return out;
}

std::string TextCleaner::encodeUtf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
    return out;
}

std::string TextCleaner::encodeUtf8(const std::u32string& text) {
    std::string out;
    for (char32_t c : text)
        out += encodeUtf8(c);
    return out;
}

bool TextCleaner::isLetter(char32_t c) {
    return classOf(c) == CharClass::Letter;
}

bool TextCleaner::isNumber(char32_t c) {
    return classOf(c) == CharClass::Number;
}

std::u32string TextCleaner::toLower(const std::u32string& text) {
    std::u32string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c == U'\u03a3') {
            // Python applies Unicode's Final_Sigma rule: a capital sigma that ends a word
            // becomes the final form.
            const bool after = i > 0 && isCased(text[i - 1]);
            const bool before = i + 1 < text.size() && isCased(text[i + 1]);
            out.push_back(after && !before ? U'\u03c2' : U'\u03c3');
            continue;
        }
        if (const auto* e = findExpansion(unicode::lowerExpansions, unicode::lowerExpansionsCount, c)) {
            out.append(reinterpret_cast<const char32_t*>(e->out), e->length);
            continue;
        }
        out.push_back(lowerSingle(c));
    }
    return out;
}

std::u32string TextCleaner::composeNfc(const std::u32string& text) {
    std::u32string out;
    for (char32_t c : text) {
        if (const auto* e = findExpansion(unicode::nfcSingles, unicode::nfcSinglesCount, c)) {
            for (std::uint32_t k = 0; k < e->length; ++k) {
                const char32_t d = e->out[k];
                const char32_t composed = out.empty() ? 0 : composePair(out.back(), d);
                if (composed)
                    out.back() = composed;
                else
                    out.push_back(d);
            }
            continue;
        }
        const char32_t composed = out.empty() ? 0 : composePair(out.back(), c);
        if (composed)
            out.back() = composed;
        else
            out.push_back(c);
    }
    return out;
}

std::vector<std::u32string> TextCleaner::basicTokenize(const std::u32string& text) {
    std::u32string cleaned;
    for (char32_t c : text) {
        if (c == 0 || c == 0xFFFD)
            continue;
        if (c == U'\t' || c == U'\n' || c == U'\r') {
            cleaned.push_back(U' ');
            continue;
        }
        const CharClass k = classOf(c);
        if (k == CharClass::Control)
            continue;
        if (k == CharClass::SpaceSeparator) {
            cleaned.push_back(U' ');
        } else if (isCjkIdeograph(c)) {
            cleaned.push_back(U' ');
            cleaned.push_back(c);
            cleaned.push_back(U' ');
        } else {
            cleaned.push_back(c);
        }
    }
    const std::u32string normalized = composeNfc(cleaned);
    std::vector<std::u32string> pieces;
    std::u32string current;
    for (char32_t c : normalized) {
        if (isSplitSpace(c)) {
            if (!current.empty())
                pieces.push_back(toLower(current));
            current.clear();
        } else {
            current.push_back(c);
        }
    }
    if (!current.empty())
        pieces.push_back(toLower(current));
    return pieces;
}

} // namespace limner::engine::ml
