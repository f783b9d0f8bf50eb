#include "engine/ml/pipelines/ZeroEmbeddingCache.h"

#include "engine/ml/io/Safetensors.h"
#include "engine/ml/io/Sha256.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

bool isSha256(const std::string& text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](unsigned char c) {
               return std::isdigit(c) || (c >= 'a' && c <= 'f');
           });
}

// The content digest of one weights file: a hub blob's name, a remembered digest, or a new one.
Status digestOf(const std::string& file, std::string& digest) {
    std::error_code ec;
    const fs::path real = fs::canonical(file, ec);
    if (ec)
        return Status::notFound("cannot read " + file);
    if (real.parent_path().filename() == "blobs" && isSha256(real.filename().string())) {
        digest = real.filename().string();
        return Status::ok();
    }
    const auto size = fs::file_size(real, ec);
    const auto time = fs::last_write_time(real, ec);
    const std::string identity =
        real.string() + "|" + std::to_string(size) + "|" +
        std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
    const fs::path memo = fs::path(ZeroEmbeddingCache::directory()) /
                          ("digest-" + Sha256::ofBytes(identity.data(), identity.size()) + ".txt");
    std::ifstream remembered(memo);
    if (remembered && std::getline(remembered, digest) && isSha256(digest))
        return Status::ok();
    if (Status s = Sha256::ofFile(real.string(), digest); !s)
        return s;
    fs::create_directories(memo.parent_path(), ec);
    const fs::path partial = memo.string() + ".part";
    if (std::ofstream(partial) << digest << '\n')
        fs::rename(partial, memo, ec);
    return Status::ok();
}

fs::path entryPath(const std::string& key) {
    return fs::path(ZeroEmbeddingCache::directory()) / ("zero-embedding-" + key + ".safetensors");
}

} // namespace

std::string ZeroEmbeddingCache::directory() {
    fs::path base;
    if (const char* own = std::getenv("LIMNER_CACHE_DIR"); own && *own)
        base = own;
    else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        base = fs::path(xdg) / "limner";
    else
        base = fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/tmp") / ".cache" / "limner";
    return (base / "zero-image-embeddings").string();
}

Status ZeroEmbeddingCache::key(const std::vector<std::string>& weightFiles, const std::string& dtype,
                               std::string& out) {
    std::vector<std::string> digests;
    for (const std::string& file : weightFiles) {
        std::string digest;
        if (Status s = digestOf(file, digest); !s)
            return s;
        digests.push_back(digest);
    }
    std::sort(digests.begin(), digests.end()); // shards in any order are the same weights
    std::string joined = dtype;
    for (const std::string& digest : digests)
        joined += "|" + digest;
    out = Sha256::ofBytes(joined.data(), joined.size()).substr(0, 32) + "-" + dtype;
    return Status::ok();
}

bool ZeroEmbeddingCache::load(const std::string& key, at::Tensor& embedding) {
    std::error_code ec;
    if (!fs::is_regular_file(entryPath(key), ec))
        return false;
    Safetensors file;
    at::Tensor stored;
    if (!Safetensors::open(entryPath(key).string(), file) || !file.tensor("zero_image_embedding", stored))
        return false;
    if (stored.dim() != 2 || stored.size(0) != 1 || !stored.is_floating_point())
        return false;
    embedding = stored;
    return true;
}

void ZeroEmbeddingCache::store(const std::string& key, const at::Tensor& embedding) {
    std::error_code ec;
    fs::create_directories(directory(), ec);
    // Safetensors::write writes beside the destination and renames: never a half-written entry.
    (void)Safetensors::write(entryPath(key).string(),
                             {{"zero_image_embedding", embedding.detach().to(at::kCPU, at::kFloat).contiguous()}},
                             {{"what", "CLIP image embedding of an all-zero picture"}});
}

} // namespace limner::engine::ml
