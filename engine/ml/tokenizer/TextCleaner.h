#pragma once

#include <string>
#include <vector>

namespace limner::engine::ml {

// Unicode helpers for the CLIP tokenizer, mirroring Python's behaviour (unicodedata categories,
// str.lower(), NFC) on the tables of UnicodeTables.cpp.
class TextCleaner {
public:
    // Invalid UTF-8 decodes to U+FFFD, which the clean-up then drops.
    static std::u32string decodeUtf8(const std::string& text);
    static std::string encodeUtf8(const std::u32string& text);
    static std::string encodeUtf8(char32_t c);

    static bool isLetter(char32_t c);
    static bool isNumber(char32_t c);

    // transformers' BasicTokenizer(strip_accents=False, do_split_on_punc=False).tokenize:
    // returns the lower-cased, NFC-normalised whitespace-separated pieces.
    static std::vector<std::u32string> basicTokenize(const std::u32string& text);

    static std::u32string toLower(const std::u32string& text);
    // Canonical composition of adjacent pairs (and NFC's singleton replacements). Marks are not
    // re-ordered by combining class: prompts with several stacked marks in non-canonical order
    // may compose differently from Python.
    static std::u32string composeNfc(const std::u32string& text);
};

} // namespace limner::engine::ml
