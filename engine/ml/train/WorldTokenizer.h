#pragma once

#include "engine/core/Status.h"

#include <string>
#include <vector>

namespace limner::engine::ml::train {

// Learns a byte-level BPE vocabulary from the world's captions (Sennrich et al.: merge the most
// frequent adjacent pair until every word is one token or `maxMerges` is reached) and writes it
// in CLIP's tokenizer format (vocab.json, merges.txt, tokenizer_config.json,
// special_tokens_map.json), so ClipTokenizer reads it like any Hugging Face CLIP tokenizer.
// Ids: 256 byte symbols, 256 end-of-word byte symbols, the merges, <|startoftext|>,
// <|endoftext|> (also the padding token).
Status writeWorldTokenizer(const std::string& folder, const std::vector<std::string>& corpus,
                           int modelMaxLength, int maxMerges = 2000);

} // namespace limner::engine::ml::train
