#include "engine/ml/config/HubCache.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace limner::engine::ml {

namespace fs = std::filesystem;

namespace {

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

std::string expandHome(const std::string& path) {
    if (path.empty() || path[0] != '~')
        return path;
    return environment("HOME") + path.substr(1);
}

std::string huggingfaceHome() {
    const std::string home = environment("HF_HOME");
    if (!home.empty())
        return expandHome(home);
    const std::string xdg = environment("XDG_CACHE_HOME");
    if (!xdg.empty())
        return (fs::path(expandHome(xdg)) / "huggingface").string();
    return (fs::path(environment("HOME")) / ".cache" / "huggingface").string();
}

bool isHex(const std::string& text, std::size_t length) {
    return text.size() == length && std::all_of(text.begin(), text.end(), [](unsigned char c) {
               return std::isdigit(c) || (c >= 'a' && c <= 'f');
           });
}

bool isNamePart(const std::string& part) {
    if (part.empty() || part.size() > 96 || part.find("..") != std::string::npos ||
        part.find("--") != std::string::npos)
        return false;
    const auto allowed = [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
    };
    if (!std::all_of(part.begin(), part.end(), allowed))
        return false;
    return std::isalnum(static_cast<unsigned char>(part.front())) &&
           std::isalnum(static_cast<unsigned char>(part.back()));
}

fs::file_time_type modified(const fs::path& path) {
    std::error_code ec;
    const auto time = fs::last_write_time(path, ec);
    return ec ? fs::file_time_type::min() : time;
}

} // namespace

std::string HubCache::defaultRoot() {
    for (const char* name : {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"}) {
        const std::string value = environment(name);
        if (!value.empty())
            return expandHome(value);
    }
    return (fs::path(huggingfaceHome()) / "hub").string();
}

std::string HubCache::legacyDiffusersRoot() {
    return (fs::path(huggingfaceHome()) / "diffusers").string();
}

HubCache::HubCache(std::string root)
    : m_root(std::move(root)) {}

bool HubCache::isRepoId(const std::string& text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos)
        return false;
    return isNamePart(text.substr(0, slash)) && isNamePart(text.substr(slash + 1));
}

bool HubCache::splitReference(const std::string& text, std::string& repoId, std::string& revision) {
    const std::size_t at = text.find('@');
    const std::string id = text.substr(0, at);
    std::string rev = at == std::string::npos ? std::string("main") : text.substr(at + 1);
    if (!isRepoId(id) || rev.empty() || rev.find("..") != std::string::npos || rev[0] == '/')
        return false;
    repoId = id;
    revision = rev;
    return true;
}

std::string HubCache::repoFolderName(const std::string& repoId) {
    std::string name = "models--" + repoId;
    const std::size_t slash = name.find('/');
    if (slash != std::string::npos)
        name.replace(slash, 1, "--");
    return name;
}

bool HubCache::repoIdFromFolderName(const std::string& folderName, std::string& repoId) {
    const std::string prefix = "models--";
    if (folderName.rfind(prefix, 0) != 0)
        return false;
    const std::string rest = folderName.substr(prefix.size());
    const std::size_t separator = rest.find("--");
    if (separator == std::string::npos)
        return false;
    const std::string id = rest.substr(0, separator) + "/" + rest.substr(separator + 2);
    if (!isRepoId(id))
        return false;
    repoId = id;
    return true;
}

std::string HubCache::repoDir(const std::string& repoId) const {
    return (fs::path(m_root) / repoFolderName(repoId)).string();
}

std::string HubCache::refPath(const std::string& repoId, const std::string& revision) const {
    return (fs::path(repoDir(repoId)) / "refs" / revision).string();
}

std::string HubCache::blobPath(const std::string& repoId, const std::string& etag) const {
    return (fs::path(repoDir(repoId)) / "blobs" / etag).string();
}

std::string HubCache::snapshotDir(const std::string& repoId, const std::string& commit) const {
    return (fs::path(repoDir(repoId)) / "snapshots" / commit).string();
}

std::string HubCache::lockPath(const std::string& repoId, const std::string& etag) const {
    return (fs::path(m_root) / ".locks" / repoFolderName(repoId) / (etag + ".lock")).string();
}

std::vector<std::string> HubCache::repos() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_root, ec)) {
        std::string id;
        std::error_code dirError;
        if (entry.is_directory(dirError) &&
            repoIdFromFolderName(entry.path().filename().string(), id))
            out.push_back(id);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string HubCache::commitOf(const std::string& repoId, const std::string& revision) const {
    std::ifstream ref(refPath(repoId, revision));
    std::string commit;
    if (!ref || !std::getline(ref, commit))
        return {};
    while (!commit.empty() && std::isspace(static_cast<unsigned char>(commit.back())))
        commit.pop_back();
    return isHex(commit, 40) ? commit : std::string();
}

std::vector<std::string> HubCache::snapshots(const std::string& repoId,
                                             const std::string& revision) const {
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(repoDir(repoId)) / "snapshots", ec)) {
        std::error_code dirError;
        if (entry.is_directory(dirError))
            found.push_back(entry.path());
    }
    std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
        return modified(a) > modified(b);
    });
    const std::string commit = isHex(revision, 40) ? revision : commitOf(repoId, revision);
    const auto named = std::find_if(found.begin(), found.end(),
                                    [&](const fs::path& p) { return p.filename() == commit; });
    if (named != found.end())
        std::rotate(found.begin(), named, named + 1);
    std::vector<std::string> out;
    for (const fs::path& p : found)
        out.push_back(p.string());
    return out;
}

Status HubCache::snapshot(const std::string& repoId, const std::string& revision,
                          std::string& folder) const {
    if (!isRepoId(repoId))
        return Status::badInput("\"" + repoId + "\" is not a Hugging Face repo id (ORG/NAME)");
    std::error_code ec;
    if (!fs::is_directory(repoDir(repoId), ec))
        return Status::notFound(repoId + " is not in the Hugging Face cache " + m_root);
    const std::string commit = isHex(revision, 40) ? revision : commitOf(repoId, revision);
    if (!commit.empty()) {
        const std::string dir = snapshotDir(repoId, commit);
        if (fs::is_directory(dir, ec)) {
            folder = dir;
            return Status::ok();
        }
        return Status::notFound(repoId + "@" + revision + " (commit " + commit +
                                ") has no snapshot in the Hugging Face cache " + m_root);
    }
    const std::vector<std::string> all = snapshots(repoId, revision);
    if (revision != "main" || all.empty())
        return Status::notFound(repoId + "@" + revision + " is not in the Hugging Face cache " +
                                m_root);
    folder = all.front();
    return Status::ok();
}

} // namespace limner::engine::ml
