#pragma once

#include "engine/core/Status.h"

#include <string>
#include <vector>

namespace limner::engine::ml {

// The Hugging Face hub cache as huggingface_hub lays it out, shared with diffusers and every
// other tool that uses it (see ../shared/MODELS.md §3):
//
//     <root>/models--ORG--NAME/refs/main                  40-hex commit of the branch
//     <root>/models--ORG--NAME/snapshots/<commit>/<path>  relative link into blobs/ (or a file)
//     <root>/models--ORG--NAME/blobs/<etag>               content; <etag>.incomplete while loading
//     <root>/.locks/models--ORG--NAME/<etag>.lock         held by whoever writes that blob
//
// A snapshot folder is an ordinary model folder (the links resolve), so reading a cached model
// only needs the snapshot's path. This class finds it, and names the paths a downloader writes.
// No network, no Qt. Thread safety: the object is immutable; the file system may change under it.
class HubCache {
public:
    // Where huggingface_hub caches: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub,
    // else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub ("~" expanded).
    static std::string defaultRoot();
    // The cache of diffusers up to 0.13 (same layout): $HF_HOME/diffusers or
    // ~/.cache/huggingface/diffusers.
    static std::string legacyDiffusersRoot();

    explicit HubCache(std::string root = defaultRoot());
    const std::string& root() const { return m_root; }

    // "ORG/NAME" (letters, digits, '-', '_', '.'; no "..", no leading/trailing punctuation).
    static bool isRepoId(const std::string& text);
    // "ORG/NAME@REV" → repo id and revision ("main" when none is given). False when not a repo id.
    static bool splitReference(const std::string& text, std::string& repoId, std::string& revision);
    // "ORG/NAME" ↔ "models--ORG--NAME".
    static std::string repoFolderName(const std::string& repoId);
    static bool repoIdFromFolderName(const std::string& folderName, std::string& repoId);

    std::string repoDir(const std::string& repoId) const;
    std::string refPath(const std::string& repoId, const std::string& revision) const;
    std::string blobPath(const std::string& repoId, const std::string& etag) const;
    std::string snapshotDir(const std::string& repoId, const std::string& commit) const;
    std::string lockPath(const std::string& repoId, const std::string& etag) const;

    // Model repos in the cache, sorted.
    std::vector<std::string> repos() const;
    // Snapshot folders of a repo, the one refs/<revision> names first, then the others newest
    // first. Empty when the repo is not cached.
    std::vector<std::string> snapshots(const std::string& repoId,
                                       const std::string& revision = "main") const;
    // The snapshot of a revision: the commit refs/<revision> names, a commit hash given directly,
    // or, when "main" has no ref (an interrupted first download), the newest snapshot.
    Status snapshot(const std::string& repoId, const std::string& revision, std::string& folder) const;

    // The commit a ref names ("" when there is none or it is not 40 hex digits).
    std::string commitOf(const std::string& repoId, const std::string& revision) const;

private:
    std::string m_root;
};

} // namespace limner::engine::ml
