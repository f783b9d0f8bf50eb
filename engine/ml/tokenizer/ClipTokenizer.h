#pragma once

#include "engine/core/Status.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace limner::engine::ml {

// The CLIP byte-level BPE tokenizer as transformers' CLIPTokenizer runs it without ftfy:
// BasicTokenizer clean-up (control characters dropped, whitespace collapsed, CJK ideographs
// spaced, NFC, lower case), the CLIP pre-tokenizer regex, then BPE over vocab.json/merges.txt.
//
//     ClipTokenizer tokenizer;
//     if (Status s = ClipTokenizer::load(modelFolder + "/tokenizer", tokenizer); !s) return s;
//     ClipTokenizer::Encoding e = tokenizer.encodePadded("a photo of a cat");
//
// Thread safety: a loaded tokenizer is immutable; all member functions are const.
class ClipTokenizer {
public:
    struct Encoding {
        std::vector<std::int64_t> ids;           // BOS, content, EOS, padding
        std::vector<std::int64_t> attentionMask; // 1 for BOS, content and EOS
        bool truncated = false;
    };

    // folder holds vocab.json and merges.txt, and usually tokenizer_config.json and
    // special_tokens_map.json (pad token, model_max_length, added tokens).
    static Status load(const std::string& folder, ClipTokenizer& out);
    // The tokenizer transformers builds from OpenAI CLIP's bpe_simple_vocab_16e6.txt.gz (gzip or
    // plain text; see clipVocabularyPath()): ids are the 256 byte symbols, the same with "</w>",
    // the first 48 894 merges joined, then <|startoftext|> and <|endoftext|>; model_max_length 77.
    // padToken is "<|endoftext|>" for SD 1.x's tokenizer and "!" (id 0) for SD 2.x's; like
    // every special token it is split out of the text before BPE, as transformers does.
    static Status fromBpeVocabulary(const std::string& path, ClipTokenizer& out,
                                    const std::string& padToken = "<|endoftext|>");

    // Byte-level BPE strings, as tokenizer.tokenize(text) returns them.
    std::vector<std::string> tokenize(const std::string& text) const;
    // BOS, ids of every token, EOS: no truncation, no padding.
    std::vector<std::int64_t> encode(const std::string& text) const;
    // As the pipelines call it: padding="max_length", truncation=True (EOS kept when truncating).
    // maxLength <= 0 uses the tokenizer's model_max_length.
    Encoding encodePadded(const std::string& text, int maxLength = 0) const;

    std::int64_t bosId() const { return m_bosId; }
    std::int64_t eosId() const { return m_eosId; }
    std::int64_t padId() const { return m_padId; }
    int modelMaxLength() const { return m_modelMaxLength; }
    std::size_t vocabularySize() const { return m_vocab.size(); }

private:
    // Looks the special tokens up, fills the byte encoder and the no-split list.
    Status finish(const std::string& source, const std::string& bos, const std::string& eos,
                  const std::string& unk, const std::string& pad,
                  std::vector<std::string> otherSpecialTokens);
    void appendWordTokens(const std::u32string& word, std::vector<std::string>& out) const;
    void appendChunkTokens(const std::u32string& chunk, std::vector<std::string>& out) const;
    std::vector<std::string> bpe(const std::string& byteWord) const;
    std::int64_t idOf(const std::string& token) const;

    std::unordered_map<std::string, std::int64_t> m_vocab;
    std::unordered_map<std::string, int> m_mergeRanks; // "left right" -> rank
    std::vector<std::u32string> m_specialTokens;       // split out before any clean-up
    std::string m_byteEncoder[256];
    std::int64_t m_bosId = 0;
    std::int64_t m_eosId = 0;
    std::int64_t m_padId = 0;
    std::int64_t m_unkId = 0;
    int m_modelMaxLength = 77;
};

} // namespace limner::engine::ml
