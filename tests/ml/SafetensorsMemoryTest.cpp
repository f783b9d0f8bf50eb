#include "engine/ml/io/Safetensors.h"
#include "tests/ml/CatchWithTorch.h" // last: restores Catch's CHECK

#include <cstdio>
#include <fstream>
#include <string>

using limner::engine::ml::Safetensors;

namespace {

// RssFile of /proc/self/status: the mapped file pages this process holds, in bytes (0 where
// /proc is missing).
std::int64_t residentFileBytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("RssFile:", 0) == 0)
            return std::stoll(line.substr(8)) * 1024;
    }
    return 0;
}

} // namespace

TEST_CASE("Loading a weights file keeps the converted tensors resident, not the file's pages too",
          "[ml][io]") {
    // 64 MiB of float16, converted to float32 as a float32 model loads the fp16 files of the
    // Hub's SD 1.5 inpainting: before, the file's pages stayed resident beside the copies until
    // the file was closed.
    const std::string path = std::string(LIMNER_BINARY_DIR) + "/ml_io_test_resident.safetensors";
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    at::manual_seed(3);
    for (int i = 0; i < 4; ++i)
        tensors.emplace_back("w" + std::to_string(i), at::randn({4096, 2048}).to(at::kHalf));
    REQUIRE(Safetensors::write(path, tensors));
    {
        Safetensors file;
        REQUIRE(Safetensors::open(path, file));
        const std::int64_t before = residentFileBytes();
        std::unordered_map<std::string, at::Tensor> loaded;
        REQUIRE(file.loadAll(loaded, at::kFloat));
        const std::int64_t grown = residentFileBytes() - before;
        INFO("mapped file pages resident after loading: " << grown / 1024 << " KiB of 65536 KiB");
        if (before > 0)
            CHECK(grown < (std::int64_t{8} << 20));
        // The values are the file's, and a second reading (pages mapped in again) agrees.
        for (const auto& [name, original] : tensors) {
            CHECK(at::equal(loaded.at(name), original.to(at::kFloat)));
            at::Tensor again;
            REQUIRE(file.tensor(name, again, at::kFloat));
            CHECK(at::equal(again, loaded.at(name)));
        }
    }
    std::remove(path.c_str());
}
