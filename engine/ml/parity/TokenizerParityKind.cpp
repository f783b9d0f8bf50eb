#include "engine/ml/parity/ParityFixture.h"
#include "engine/ml/parity/ParityOptions.h"
#include "engine/ml/parity/ParityRegistry.h"
#include "engine/ml/parity/ParityResult.h"
#include "engine/ml/tokenizer/ClipTokenizer.h"

#include <ATen/ATen.h>
#include <fstream>

namespace limner::engine::ml {

namespace {

std::string joined(const std::vector<std::string>& tokens) {
    std::string out;
    for (const auto& t : tokens)
        out += (out.empty() ? "" : " ") + t;
    return out;
}

// clip_tokenizer: tokenizer/ sub-folder, prompts.json (text, expected ids, bpe strings), and
// outputs input_ids / attention_mask as [prompts, max_length].
Status runClipTokenizer(const ParityFixture& fixture, const ParityOptions&, ParityResult& result) {
    ClipTokenizer tokenizer;
    if (Status s = ClipTokenizer::load(fixture.path("tokenizer"), tokenizer); !s)
        return s;
    std::ifstream stream(fixture.path("prompts.json"));
    const nlohmann::json prompts = nlohmann::json::parse(stream, nullptr, /*allow_exceptions=*/false);
    if (prompts.is_discarded() || !prompts.contains("prompts") || !prompts["prompts"].is_array())
        return Status::badInput("fixture " + fixture.name() + ": prompts.json has no \"prompts\" list");
    at::Tensor expectedIds, expectedMask;
    if (Status s = fixture.output("input_ids", expectedIds); !s)
        return s;
    if (Status s = fixture.output("attention_mask", expectedMask); !s)
        return s;
    if (expectedIds.dim() != 2 ||
        expectedIds.size(0) != static_cast<std::int64_t>(prompts["prompts"].size()))
        return Status::badInput("fixture " + fixture.name() +
                                ": input_ids is not [prompts, max_length]");
    // padding="max_length": the stored row length is the max_length of the call.
    const int maxLength = static_cast<int>(expectedIds.size(1));

    std::vector<std::int64_t> ids, mask;
    std::size_t row = 0;
    for (const auto& prompt : prompts["prompts"]) {
        const std::string text = prompt.value("text", "");
        const auto encoding = tokenizer.encodePadded(text, maxLength);
        ids.insert(ids.end(), encoding.ids.begin(), encoding.ids.end());
        mask.insert(mask.end(), encoding.attentionMask.begin(), encoding.attentionMask.end());
        // The byte-level tokens and untruncated ids point at the stage that went wrong.
        if (prompt.contains("bpe_tokens")) {
            const auto expected = prompt["bpe_tokens"].get<std::vector<std::string>>();
            const auto got = tokenizer.tokenize(text);
            if (got != expected)
                result.fail("prompt " + std::to_string(row) + " bpe tokens [" + joined(got) +
                            "], expected [" + joined(expected) + "]");
        }
        if (prompt.contains("input_ids_untruncated") &&
            tokenizer.encode(text) != prompt["input_ids_untruncated"].get<std::vector<std::int64_t>>())
            result.fail("prompt " + std::to_string(row) + ": untruncated ids differ");
        ++row;
    }
    const auto shape = expectedIds.sizes();
    result.compare("input_ids", at::tensor(ids, at::kLong).reshape(shape), expectedIds, 0, 0, true);
    result.compare("attention_mask", at::tensor(mask, at::kLong).reshape(expectedMask.sizes()),
                   expectedMask, 0, 0, true);
    return Status::ok();
}

} // namespace

void registerTokenizerParityKind(ParityRegistry& registry) {
    registry.add("clip_tokenizer", runClipTokenizer);
}

} // namespace limner::engine::ml
