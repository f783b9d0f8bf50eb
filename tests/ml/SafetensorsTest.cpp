#include "engine/ml/io/Safetensors.h"
#include "engine/ml/io/Sha256.h"

#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <cstdio>
#include <fstream>

using limner::engine::Status;
using limner::engine::ml::Safetensors;
using limner::engine::ml::SafetensorsHeader;

namespace {

std::string tempPath(const std::string& name) {
    return std::string(LIMNER_BINARY_DIR) + "/ml_io_test_" + name;
}

std::vector<std::uint8_t> fileBytes(std::uint64_t headerLength, const std::string& header,
                                    std::size_t dataBytes) {
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < 8; ++i)
        bytes.push_back(static_cast<std::uint8_t>(headerLength >> (8 * i)));
    bytes.insert(bytes.end(), header.begin(), header.end());
    bytes.resize(bytes.size() + dataBytes, 0);
    return bytes;
}

std::vector<std::uint8_t> fileBytes(const std::string& header, std::size_t dataBytes) {
    return fileBytes(header.size(), header, dataBytes);
}

Status parse(const std::vector<std::uint8_t>& bytes) {
    SafetensorsHeader header;
    return SafetensorsHeader::parse(bytes.data(), bytes.size(), header);
}

bool mentions(const Status& s, const std::string& text) {
    INFO(s.message());
    return s.message().find(text) != std::string::npos;
}

} // namespace

TEST_CASE("Tensors written to safetensors read back identical in every stored dtype", "[ml][io]") {
    const auto path = tempPath("roundtrip.safetensors");
    const at::Tensor f32 = at::randn({2, 3, 4});
    const at::Tensor f16 = at::randn({5}).to(at::kHalf);
    const at::Tensor bf16 = at::randn({3, 1}).to(at::kBFloat16);
    const at::Tensor ids = at::arange(7, at::kLong);
    const at::Tensor scalar = at::scalar_tensor(2.5);
    REQUIRE(Safetensors::write(
        path, {{"f32", f32}, {"f16", f16}, {"bf16", bf16}, {"ids", ids}, {"scalar", scalar}},
        {{"format", "pt"}}));
    Safetensors file;
    REQUIRE(Safetensors::open(path, file));
    const std::vector<std::string> expectedNames{"bf16", "f16", "f32", "ids", "scalar"};
    CHECK(file.names() == expectedNames);
    CHECK(file.metadata().at("format") == "pt");
    at::Tensor t;
    REQUIRE(file.tensor("f32", t));
    CHECK(t.equal(f32));
    REQUIRE(file.tensor("f16", t));
    CHECK((t.scalar_type() == at::kHalf && t.equal(f16)));
    REQUIRE(file.tensor("bf16", t));
    CHECK((t.scalar_type() == at::kBFloat16 && t.equal(bf16)));
    REQUIRE(file.tensor("ids", t));
    CHECK((t.scalar_type() == at::kLong && t.equal(ids)));
    REQUIRE(file.tensor("scalar", t));
    CHECK((t.dim() == 0 && t.item<double>() == 2.5));
    std::remove(path.c_str());
}

TEST_CASE("Loading converts to the requested dtype and keeps integer tensors exact", "[ml][io]") {
    const auto path = tempPath("convert.safetensors");
    const at::Tensor weights = at::randn({4, 4}).to(at::kHalf);
    REQUIRE(Safetensors::write(path, {{"w", weights}, {"ids", at::arange(3, at::kLong)}}));
    Safetensors file;
    REQUIRE(Safetensors::open(path, file));
    at::Tensor t;
    REQUIRE(file.tensor("w", t, at::kFloat));
    CHECK((t.scalar_type() == at::kFloat && t.equal(weights.to(at::kFloat))));
    std::unordered_map<std::string, at::Tensor> all;
    REQUIRE(file.loadAll(all, at::kBFloat16));
    CHECK(all.at("w").scalar_type() == at::kBFloat16);
    CHECK(all.at("ids").scalar_type() == at::kLong);
    std::remove(path.c_str());
}

TEST_CASE("Loaded tensors stay valid after the file object is gone", "[ml][io]") {
    const auto path = tempPath("lifetime.safetensors");
    REQUIRE(Safetensors::write(path, {{"x", at::full({3}, 7.0f)}}));
    at::Tensor t;
    {
        Safetensors file;
        REQUIRE(Safetensors::open(path, file));
        REQUIRE(file.tensor("x", t));
    }
    std::remove(path.c_str());
    CHECK(t.sum().item<float>() == 21.0f);
}

TEST_CASE("A header whose length is not a multiple of 8 still loads correct values", "[ml][io]") {
    const std::string header = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    auto bytes = fileBytes(header, 0);
    const float values[2] = {1.5f, -3.25f};
    bytes.insert(bytes.end(), reinterpret_cast<const std::uint8_t*>(values),
                 reinterpret_cast<const std::uint8_t*>(values) + 8);
    Safetensors file;
    REQUIRE(Safetensors::fromBytes(bytes.data(), bytes.size(), file));
    at::Tensor t;
    REQUIRE(file.tensor("x", t, at::kDouble));
    CHECK(t[0].item<double>() == 1.5);
    CHECK(t[1].item<double>() == -3.25);
}

TEST_CASE("Asking for a tensor or a file that does not exist says which", "[ml][io]") {
    Safetensors file;
    const Status missingFile = Safetensors::open(tempPath("does_not_exist.safetensors"), file);
    CHECK(missingFile.code() == Status::Code::NotFound);
    CHECK(mentions(missingFile, "does_not_exist.safetensors"));
    const auto bytes = fileBytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4);
    REQUIRE(Safetensors::fromBytes(bytes.data(), bytes.size(), file));
    at::Tensor t;
    const Status missingTensor = file.tensor("b", t);
    CHECK(missingTensor.code() == Status::Code::NotFound);
    CHECK(mentions(missingTensor, "\"b\""));
}

TEST_CASE("Malformed safetensors files are refused, each with its own message", "[ml][io]") {
    const std::string one = R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
    SECTION("shorter than the length field") {
        const std::vector<std::uint8_t> bytes{1, 0, 0};
        CHECK(mentions(parse(bytes), "shorter than the 8-byte header length"));
    }
    SECTION("header length above 100 MB") {
        CHECK(mentions(parse(fileBytes(100'000'001, "{}", 0)), "more than the 100 MB limit"));
    }
    SECTION("header length beyond the end of the file") {
        CHECK(mentions(parse(fileBytes(4000, "{}", 0)), "but the file holds only"));
    }
    SECTION("header length overflowing when added to 8") {
        CHECK(mentions(parse(fileBytes(~std::uint64_t(0), "{}", 0)), "more than the 100 MB limit"));
    }
    SECTION("not JSON") {
        CHECK(mentions(parse(fileBytes("{\"a\": nope}", 0)), "not valid JSON"));
    }
    SECTION("invalid UTF-8") {
        CHECK(mentions(parse(fileBytes("{\"\xff\xfe\":1}", 0)), "not valid JSON"));
    }
    SECTION("a JSON value other than an object") {
        CHECK(mentions(parse(fileBytes("[1,2]", 0)), "does not start with '{'"));
    }
    SECTION("unknown dtype") {
        CHECK(mentions(parse(fileBytes(R"({"a":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}})", 4)),
                       "unknown dtype \"F17\""));
    }
    SECTION("missing field") {
        CHECK(mentions(parse(fileBytes(R"({"a":{"dtype":"F32","shape":[1]}})", 4)), "lacks"));
    }
    SECTION("negative or fractional dimension") {
        CHECK(
            mentions(parse(fileBytes(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4)),
                     "not a non-negative integer"));
        CHECK(
            mentions(parse(fileBytes(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4)),
                     "not a non-negative integer"));
    }
    SECTION("shape and dtype disagree with the byte range") {
        CHECK(mentions(parse(fileBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4)),
                       "needs 8 bytes but its data_offsets span 4"));
    }
    SECTION("shape product overflowing 64 bits") {
        const std::string h =
            R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})";
        CHECK(mentions(parse(fileBytes(h, 0)), "overflows 64-bit sizes"));
    }
    SECTION("offsets in the wrong order") {
        CHECK(mentions(parse(fileBytes(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", 4)),
                       "ends before it begins"));
    }
    SECTION("range beyond the end of the file") {
        CHECK(mentions(parse(fileBytes("{" + one + "}", 2)), "(truncated)"));
    }
    SECTION("trailing bytes after the last tensor") {
        CHECK(mentions(parse(fileBytes("{" + one + "}", 6)), "(trailing bytes)"));
    }
    SECTION("a gap between tensors") {
        const std::string h = "{" + one + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
        CHECK(mentions(parse(fileBytes(h, 12)), "(a gap)"));
    }
    SECTION("data not starting at 0") {
        CHECK(mentions(parse(fileBytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8)),
                       "(a gap)"));
    }
    SECTION("overlapping tensors") {
        const std::string h = "{" + one + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})";
        CHECK(mentions(parse(fileBytes(h, 6)), "(an overlap)"));
    }
    SECTION("a name used twice") {
        CHECK(mentions(parse(fileBytes("{" + one + "," + one + "}", 4)), "names tensor \"a\" twice"));
    }
    SECTION("metadata that is not a map of strings") {
        CHECK(mentions(parse(fileBytes(R"({"__metadata__":{"k":1}})", 0)),
                       "__metadata__ value for \"k\""));
    }
}

TEST_CASE("A file with only metadata or no tensors at all is valid", "[ml][io]") {
    CHECK(parse(fileBytes(R"({"__metadata__":{"format":"pt"}})", 0)));
    CHECK(parse(fileBytes("{}", 0)));
}

TEST_CASE("A dtype that libtorch cannot hold is refused on load, not on open", "[ml][io]") {
    const auto bytes = fileBytes(R"({"a":{"dtype":"U32","shape":[1],"data_offsets":[0,4]}})", 4);
    Safetensors file;
    REQUIRE(Safetensors::fromBytes(bytes.data(), bytes.size(), file));
    at::Tensor t;
    CHECK(mentions(file.tensor("a", t, at::kFloat), "dtype U32"));
}

TEST_CASE("Writing refuses duplicate names and leaves no file behind", "[ml][io]") {
    const auto path = tempPath("dup.safetensors");
    const Status s = Safetensors::write(path, {{"a", at::ones({1})}, {"a", at::ones({1})}});
    CHECK(mentions(s, "used twice"));
    CHECK_FALSE(std::ifstream(path).good());
}

TEST_CASE("SHA-256 digests match FIPS 180-4's examples, so hub blob names can be checked",
          "[ml][io]") {
    using limner::engine::ml::Sha256;
    CHECK(Sha256::ofBytes("", 0) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(Sha256::ofBytes("abc", 3) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const std::string twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK(Sha256::ofBytes(twoBlocks.data(), twoBlocks.size()) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 million;
    const std::string chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i)
        million.update(chunk.data(), chunk.size());
    CHECK(million.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
