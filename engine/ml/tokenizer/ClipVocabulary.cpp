#include "engine/ml/tokenizer/ClipVocabulary.h"

#include <cstdlib>
#include <filesystem>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

constexpr const char* fileName = "bpe_simple_vocab_16e6.txt.gz";

bool isFile(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

fs::path installedPath() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty())
        return {};
    return (exe.parent_path() / ".." / "share" / "limner" / "clip" / fileName).lexically_normal();
}

} // namespace

std::string clipVocabularyPath() {
    if (const char* env = std::getenv("LIMNER_CLIP_VOCAB"); env && *env)
        return env;
    const fs::path installed = installedPath();
    if (!installed.empty() && isFile(installed))
        return installed.string();
#ifdef LIMNER_SOURCE_DIR
    const fs::path source = fs::path(LIMNER_SOURCE_DIR) / "resources" / "clip" / fileName;
    if (isFile(source))
        return source.string();
#endif
    return installed.empty() ? std::string(fileName) : installed.string();
}

} // namespace limner::engine::ml
