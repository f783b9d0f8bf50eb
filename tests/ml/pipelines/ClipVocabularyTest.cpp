#include "engine/ml/tokenizer/ClipVocabulary.h"

#include "engine/ml/tokenizer/ClipTokenizer.h"
#include "tests/ml/CatchWithTorch.h"
#include "tests/ml/pipelines/PipelineTestFolders.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using limner::engine::Status;
using namespace limner::engine::ml;
using limner::tests::PipelineTestFolders;
namespace fs = std::filesystem;

namespace {

std::string referenceTokenizerFolder() {
    return PipelineTestFolders::parityDir() + "/tokenizer/tokenizer";
}

ClipTokenizer shippedTokenizer(const std::string& pad = "<|endoftext|>") {
    ClipTokenizer t;
    const Status s = ClipTokenizer::fromBpeVocabulary(clipVocabularyPath(), t, pad);
    INFO(clipVocabularyPath() << ": " << s.message());
    REQUIRE(s.isOk());
    return t;
}

std::vector<std::int64_t> padded(std::vector<std::int64_t> ids, std::int64_t pad) {
    ids.resize(77, pad);
    return ids;
}

} // namespace

TEST_CASE("The CLIP vocabulary Limner ships tokenizes every reference prompt to transformers' ids",
          "[ml][tokenizer]") {
    const ClipTokenizer shipped = shippedTokenizer();
    ClipTokenizer fromFiles;
    REQUIRE(ClipTokenizer::load(referenceTokenizerFolder(), fromFiles).isOk());
    CHECK(shipped.vocabularySize() == 49408);
    CHECK(shipped.vocabularySize() == fromFiles.vocabularySize());
    CHECK(shipped.bosId() == 49406);
    CHECK(shipped.eosId() == 49407);
    CHECK(shipped.padId() == 49407);
    CHECK(shipped.modelMaxLength() == 77);

    std::ifstream stream(PipelineTestFolders::parityDir() + "/tokenizer/prompts.json");
    const nlohmann::json prompts = nlohmann::json::parse(stream);
    REQUIRE(prompts["prompts"].size() > 50);
    for (const auto& prompt : prompts["prompts"]) {
        const std::string text = prompt["text"].get<std::string>();
        INFO(text);
        const auto expected = prompt["input_ids"].get<std::vector<std::int64_t>>();
        CHECK(shipped.encodePadded(text).ids == expected);
        CHECK(fromFiles.encodePadded(text).ids == expected);
        CHECK(shipped.tokenize(text) == fromFiles.tokenize(text));
    }
}

TEST_CASE("SD 2.x's tokenizer pads with \"!\" and splits every \"!\" out as that token, as "
          "transformers does",
          "[ml][tokenizer]") {
    const ClipTokenizer sd2 = shippedTokenizer("!");
    CHECK(sd2.padId() == 0);
    // transformers' output for stabilityai's SD 2.x / SDXL tokenizer (diffusers issue #4153).
    CHECK(sd2.encodePadded("! !! !!!").ids == padded({49406, 0, 0, 0, 0, 0, 0, 49407}, 0));
    CHECK(sd2.encodePadded("a cat").ids == padded({49406, 320, 2368, 49407}, 0));

    // The same tokenizer as a folder: pad "!" named only in special_tokens_map.json.
    const std::string folder = PipelineTestFolders::scratch("sd2-tokenizer");
    for (const char* file : {"vocab.json", "merges.txt"})
        fs::copy_file(fs::path(referenceTokenizerFolder()) / file, fs::path(folder) / file);
    std::ofstream(folder + "/special_tokens_map.json")
        << R"({"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "!",
              "unk_token": "<|endoftext|>"})";
    ClipTokenizer fromFolder;
    REQUIRE(ClipTokenizer::load(folder, fromFolder).isOk());
    for (const char* text : {"! !! !!!", "hello!", "a cat, oil painting!!"})
        CHECK(fromFolder.encodePadded(text).ids == sd2.encodePadded(text).ids);
}

TEST_CASE("A missing, truncated or damaged vocabulary file is refused with a message",
          "[ml][tokenizer]") {
    const std::string dir = PipelineTestFolders::scratch("broken-vocabulary");
    ClipTokenizer t;
    const Status missing = ClipTokenizer::fromBpeVocabulary(dir + "/absent.txt.gz", t);
    CHECK(missing.code() == Status::Code::NotFound);
    CHECK(missing.message().find("LIMNER_CLIP_VOCAB") != std::string::npos);

    // A plain (not gzipped) file reads as it is; three lines are far too few.
    std::ofstream(dir + "/short.txt") << "header\n"
                                      << "i n\n"
                                      << "t h\n";
    const Status truncated = ClipTokenizer::fromBpeVocabulary(dir + "/short.txt", t);
    CHECK(truncated.code() == Status::Code::ModelFormat);
    CHECK(truncated.message().find("truncated") != std::string::npos);

    // Half of the gzip stream.
    std::ifstream in(clipVocabularyPath(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 1000);
    std::ofstream(dir + "/half.txt.gz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    const Status half = ClipTokenizer::fromBpeVocabulary(dir + "/half.txt.gz", t);
    CHECK(half.code() == Status::Code::ModelFormat);

    std::ofstream(dir + "/lines.txt") << "header\nnot-a-pair\n";
    const Status notPairs = ClipTokenizer::fromBpeVocabulary(dir + "/lines.txt", t);
    CHECK(notPairs.code() == Status::Code::ModelFormat);
    CHECK(notPairs.message().find("not a merge pair") != std::string::npos);
}

TEST_CASE("The vocabulary is found through LIMNER_CLIP_VOCAB, else next to the build",
          "[ml][tokenizer]") {
    ::unsetenv("LIMNER_CLIP_VOCAB");
    const std::string found = clipVocabularyPath();
    CHECK(fs::is_regular_file(found));
    CHECK(fs::path(found).filename() == "bpe_simple_vocab_16e6.txt.gz");
    ::setenv("LIMNER_CLIP_VOCAB", "/somewhere/else.txt.gz", 1);
    CHECK(clipVocabularyPath() == "/somewhere/else.txt.gz");
    ::unsetenv("LIMNER_CLIP_VOCAB");
}
