#include "app/library/ModelLibrary.h"

#include "app/library/ExtraModelPaths.h"
#include "app/library/ModelProbe.h"
#include "engine/ml/config/HubCache.h"

#include <QDir>
#include <QFileInfo>
#include <filesystem>
#include <set>

namespace limner::app {

namespace fs = std::filesystem;
using engine::ml::HubCache;

namespace {

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

QString text(const fs::path& p) {
    return QString::fromStdString(p.string());
}

bool isDir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

QString cacheSource(const QString& root) {
    return QFileInfo(root).fileName() == QLatin1String("diffusers")
               ? QStringLiteral("diffusers cache (old)")
               : QStringLiteral("Hugging Face cache");
}

// models--ORG--NAME holding snapshots/: the repo id, else "".
std::string cacheRepoOf(const fs::path& folder) {
    std::string repoId;
    if (HubCache::repoIdFromFolderName(folder.filename().string(), repoId) &&
        isDir(folder / "snapshots"))
        return repoId;
    return {};
}

// Collects entries, each file or folder once however it was reached.
class Scan {
public:
    explicit Scan(QVector<LibraryEntry>& out)
        : m_out(out) {}

    // A cache repo: the snapshot refs/<revision> names, else the newest complete one.
    void cacheRepo(const HubCache& cache, const std::string& repoId, const QString& source,
                   const std::string& revision = "main") {
        const fs::path repoDir = cache.repoDir(repoId);
        if (!firstVisit(repoDir))
            return;
        std::vector<std::string> snapshots = cache.snapshots(repoId, revision);
        if (revision != "main") {
            std::string folder;
            snapshots.clear();
            if (cache.snapshot(repoId, revision, folder))
                snapshots.push_back(folder);
        }
        LibraryEntry entry;
        entry.name = text(repoId);
        entry.repoId = entry.name;
        entry.kind = LibraryEntry::Kind::HubCacheRepo;
        entry.source = source;
        entry.location = text(repoDir);
        if (snapshots.empty()) {
            if (!singleFilesOfRepo(repoDir, entry))
                return;
            entry.state = LibraryEntry::State::Incomplete;
            entry.problem = QStringLiteral("incomplete download: nothing downloaded yet: download "
                                           "it again");
            m_out.push_back(entry);
            return;
        }
        const std::string mainCommit = cache.commitOf(repoId, "main");
        bool found = false;
        LibraryEntry chosen;
        for (const std::string& snapshot : snapshots) {
            LibraryEntry candidate = entry;
            if (!ModelProbe::probeFolder(snapshot, candidate))
                continue;
            candidate.snapshot = text(snapshot);
            if (!found) {
                chosen = candidate;
                found = true;
            }
            if (candidate.state != LibraryEntry::State::Incomplete) {
                chosen = candidate;
                break;
            }
        }
        if (!found) {
            // No pipeline: a repo of single-file checkpoints (webui/…), or no model at all.
            singleFilesOfRepo(fs::path(snapshots.front()), entry);
            return;
        }
        // The repo folder opens at refs/main in the engine too; another snapshot by its path.
        if (fs::path(chosen.snapshot.toStdString()).filename() != mainCommit)
            chosen.location = chosen.snapshot;
        m_out.push_back(chosen);
    }

    void cacheRoot(const QString& root) {
        if (!isDir(root.toStdString()))
            return;
        const HubCache cache(root.toStdString());
        for (const std::string& repoId : cache.repos())
            cacheRepo(cache, repoId, cacheSource(root));
    }

    // A folder that is a model itself, a cache repo or a cache snapshot: listed, true.
    bool model(const fs::path& dir, const QString& source) {
        if (!isDir(dir))
            return false;
        if (const std::string repoId = cacheRepoOf(dir); !repoId.empty()) {
            cacheRepo(HubCache(dir.parent_path().string()), repoId, source);
            return true;
        }
        if (dir.parent_path().filename() == "snapshots") {
            if (const std::string repoId = cacheRepoOf(dir.parent_path().parent_path());
                !repoId.empty()) {
                snapshotEntry(dir, repoId, source);
                return true;
            }
        }
        LibraryEntry entry;
        entry.kind = LibraryEntry::Kind::DiffusersFolder;
        entry.source = source;
        entry.name = text(dir.filename().empty() ? dir.parent_path().filename() : dir.filename());
        entry.location = text(dir);
        if (!ModelProbe::probeFolder(dir.string(), entry))
            return false;
        if (firstVisit(dir))
            m_out.push_back(entry);
        return true;
    }

    // A folder that is a model, or holds some (depth levels down). In a checkpoints folder
    // every safetensors file is meant as a checkpoint and is listed.
    void folder(const fs::path& dir, const QString& source, int depth, bool checkpoints) {
        if (!isDir(dir) || model(dir, source))
            return;
        std::vector<fs::path> files, dirs;
        std::error_code ec;
        for (const auto& child : fs::directory_iterator(dir, ec)) {
            const std::string name = child.path().filename().string();
            if (name.empty() || name[0] == '.')
                continue; // .cache/ of `hf download --local-dir`, .git …
            std::error_code e;
            if (child.is_directory(e))
                dirs.push_back(child.path());
            else if (child.is_regular_file(e))
                files.push_back(child.path());
        }
        std::sort(files.begin(), files.end());
        std::sort(dirs.begin(), dirs.end());
        for (const fs::path& file : files)
            this->file(file, source, !checkpoints);
        if (depth > 0) {
            for (const fs::path& child : dirs)
                folder(child, source, depth - 1, checkpoints);
        }
    }

    void file(const fs::path& path, const QString& source, bool onlyCheckpoints) {
        LibraryEntry entry;
        entry.source = source;
        entry.name = text(path.filename());
        entry.location = text(path);
        if (ModelProbe::probeFile(path.string(), onlyCheckpoints, entry) && firstVisit(path))
            m_out.push_back(entry);
    }

    void comfyUi(const QString& install) {
        const fs::path root(install.toStdString());
        if (!isDir(root))
            return;
        const QString source = QStringLiteral("ComfyUI");
        folder(root / "models" / "checkpoints", source, 4, true);
        diffusersFolders(root / "models" / "diffusers", source);
        const QMap<QString, QStringList> extra =
            ExtraModelPaths::read(QDir(install).filePath(QStringLiteral("extra_model_paths.yaml")));
        for (const QString& path : extra.value(QStringLiteral("checkpoints")))
            folder(path.toStdString(), source, 4, true);
        for (const QString& path : extra.value(QStringLiteral("diffusers")))
            diffusersFolders(path.toStdString(), source);
    }

    void webUi(const QString& install) {
        folder(fs::path(install.toStdString()) / "models" / "Stable-diffusion",
               QStringLiteral("A1111/Forge"), 4, true);
    }

private:
    // ComfyUI's models/diffusers: one model folder each.
    void diffusersFolders(const fs::path& dir, const QString& source) {
        std::vector<fs::path> children;
        std::error_code ec;
        for (const auto& child : fs::directory_iterator(dir, ec)) {
            std::error_code e;
            if (child.is_directory(e) && child.path().filename().string().rfind('.', 0) != 0)
                children.push_back(child.path());
        }
        std::sort(children.begin(), children.end());
        for (const fs::path& child : children)
            folder(child, source, 0, false);
    }

    void snapshotEntry(const fs::path& snapshot, const std::string& repoId, const QString& source) {
        LibraryEntry entry;
        entry.name = text(repoId);
        entry.repoId = entry.name;
        entry.kind = LibraryEntry::Kind::HubCacheRepo;
        entry.source = source;
        entry.location = text(snapshot);
        entry.snapshot = entry.location;
        if (ModelProbe::probeFolder(snapshot.string(), entry) && firstVisit(snapshot))
            m_out.push_back(entry);
    }

    // Single-file checkpoints at the top of a repo's snapshot (webui/stable-diffusion-inpainting
    // holds one .safetensors file). False when there are none.
    bool singleFilesOfRepo(const fs::path& snapshot, const LibraryEntry& repo) {
        bool any = false;
        std::error_code ec;
        std::vector<fs::path> files;
        for (const auto& child : fs::directory_iterator(snapshot, ec)) {
            if (ModelProbe::isSafetensorsName(child.path().string()))
                files.push_back(child.path());
        }
        std::sort(files.begin(), files.end());
        for (const fs::path& path : files) {
            LibraryEntry entry;
            entry.source = repo.source;
            entry.repoId = repo.repoId;
            entry.name = repo.name + QLatin1Char('/') + text(path.filename());
            entry.location = text(path);
            if (ModelProbe::probeFile(path.string(), true, entry) && firstVisit(path)) {
                m_out.push_back(entry);
                any = true;
            }
        }
        return any;
    }

    bool firstVisit(const fs::path& path) {
        std::error_code ec;
        fs::path key = fs::canonical(path, ec);
        if (ec)
            key = fs::absolute(path, ec).lexically_normal();
        return m_seen.insert(key.string()).second;
    }

    QVector<LibraryEntry>& m_out;
    std::set<std::string> m_seen;
};

// The folder a remembered prior location names (a cache repo folder resolves to its snapshot).
QString priorFolderOf(const QString& location) {
    const fs::path path(location.toStdString());
    if (const std::string repoId = cacheRepoOf(path); !repoId.empty()) {
        std::string snapshot;
        if (HubCache(path.parent_path().string()).snapshot(repoId, "main", snapshot))
            return text(snapshot);
    }
    return location;
}

} // namespace

ModelLibrary::ModelLibrary(LibraryRoots roots, QMap<QString, QString> priors)
    : m_roots(std::move(roots))
    , m_priors(std::move(priors)) {}

QVector<LibraryEntry> ModelLibrary::scan() const {
    QVector<LibraryEntry> entries;
    Scan scan(entries);
    for (const QString& root : m_roots.hubCaches)
        scan.cacheRoot(root);
    for (const QString& install : m_roots.comfyUi)
        scan.comfyUi(install);
    for (const QString& install : m_roots.webUi)
        scan.webUi(install);
    for (const QString& folder : m_roots.folders)
        scan.folder(folder.toStdString(), QStringLiteral("your folder"), 3, false);
    pairPriors(entries);
    return entries;
}

bool ModelLibrary::inspect(const QString& location, LibraryEntry& out) const {
    QVector<LibraryEntry> entries;
    Scan scan(entries);
    const QFileInfo info(location);
    if (info.isDir()) {
        scan.model(QDir::cleanPath(info.absoluteFilePath()).toStdString(), QStringLiteral("folder"));
    } else if (info.isFile()) {
        scan.file(info.absoluteFilePath().toStdString(), QStringLiteral("file"), false);
    } else {
        std::string repoId, revision;
        if (!HubCache::splitReference(location.toStdString(), repoId, revision))
            return false;
        for (const QString& root : m_roots.hubCaches) {
            const HubCache cache(root.toStdString());
            if (isDir(cache.repoDir(repoId))) {
                scan.cacheRepo(cache, repoId, cacheSource(root), revision);
                break;
            }
        }
    }
    if (entries.isEmpty())
        return false;
    // The prior its model card names, wherever a cache holds it, to pair with.
    LibraryEntry& model = entries.front();
    if (model.pairsWithPrior && !model.priorRepoWanted.isEmpty()) {
        QStringList caches;
        if (!model.snapshot.isEmpty())
            caches << QFileInfo(model.pairingKey()).absolutePath();
        caches += m_roots.hubCaches;
        for (const QString& root : caches) {
            const HubCache cache(root.toStdString());
            if (isDir(cache.repoDir(model.priorRepoWanted.toStdString()))) {
                scan.cacheRepo(cache, model.priorRepoWanted.toStdString(), cacheSource(root));
                break;
            }
        }
    }
    pairPriors(entries);
    out = entries.front();
    return true;
}

bool ModelLibrary::lookup(const QString& text, LibraryEntry& out) const {
    if (inspect(text, out))
        return true;
    const QVector<LibraryEntry> entries = scan();
    if (const LibraryEntry* entry = find(entries, text)) {
        out = *entry;
        return true;
    }
    return false;
}

void ModelLibrary::pairPriors(QVector<LibraryEntry>& entries) const {
    for (LibraryEntry& decoder : entries) {
        if (!decoder.pairsWithPrior || decoder.state != LibraryEntry::State::NeedsPrior)
            continue;
        const QString chosen = m_priors.value(decoder.pairingKey());
        if (!chosen.isEmpty()) {
            const QString folder = priorFolderOf(chosen);
            LibraryEntry prior;
            prior.name = QFileInfo(folder).fileName();
            prior.location = folder;
            if (ModelProbe::isPriorPipeline(folder.toStdString()) &&
                ModelProbe::probeFolder(folder.toStdString(), prior)) {
                ModelProbe::addPrior(prior, decoder);
                decoder.priorFolder = folder;
                decoder.priorRemembered = true;
            } else {
                decoder.problem = QStringLiteral("the prior chosen for it (%1) is no Kandinsky 2.2 "
                                                 "prior pipeline any more: choose its folder again")
                                      .arg(chosen);
            }
            continue;
        }
        if (decoder.priorRepoWanted.isEmpty())
            continue;
        const LibraryEntry* found = nullptr;
        for (const LibraryEntry& candidate : entries) {
            if (candidate.repoId != decoder.priorRepoWanted ||
                candidate.kind != LibraryEntry::Kind::HubCacheRepo)
                continue;
            if (!found || (found->state != LibraryEntry::State::PriorPipeline &&
                           candidate.state == LibraryEntry::State::PriorPipeline))
                found = &candidate;
        }
        if (found)
            ModelProbe::addPrior(LibraryEntry(*found), decoder);
    }
}

bool ModelLibrary::isRepoId(const QString& text) {
    std::string repoId, revision;
    return HubCache::splitReference(text.toStdString(), repoId, revision);
}

const LibraryEntry* ModelLibrary::find(const QVector<LibraryEntry>& entries, const QString& text) {
    for (const LibraryEntry& entry : entries) {
        if (entry.name == text)
            return &entry;
    }
    const QString path = QDir::cleanPath(QFileInfo(text).absoluteFilePath());
    for (const LibraryEntry& entry : entries) {
        if (QDir::cleanPath(entry.location) == path || QDir::cleanPath(entry.snapshot) == path ||
            entry.pairingKey() == path)
            return &entry;
    }
    return nullptr;
}

} // namespace limner::app
