#include "app/library/LibraryRoots.h"

#include "app/Settings.h"
#include "engine/ml/config/HubCache.h"

#include <QDir>
#include <QFileInfo>

namespace limner::app {

namespace {

void addOnce(QStringList& list, const QString& folder) {
    const QString clean = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    if (!folder.isEmpty() && !list.contains(clean))
        list << clean;
}

bool isDir(const QString& path) {
    return QFileInfo(path).isDir();
}

} // namespace

LibraryRoots LibraryRoots::standard(const QString& home) {
    LibraryRoots roots;
    addOnce(roots.hubCaches, QString::fromStdString(engine::ml::HubCache::defaultRoot()));
    addOnce(roots.hubCaches, QString::fromStdString(engine::ml::HubCache::legacyDiffusersRoot()));
    const QDir h(home);
    for (const char* candidate : {"ComfyUI", "comfy/ComfyUI"}) {
        const QString path = h.filePath(QString::fromLatin1(candidate));
        if (installKind(path) == QLatin1String("ComfyUI"))
            addOnce(roots.comfyUi, path);
    }
    for (const char* candidate : {"stable-diffusion-webui", "stable-diffusion-webui-forge"}) {
        const QString path = h.filePath(QString::fromLatin1(candidate));
        if (installKind(path) == QLatin1String("A1111/Forge"))
            addOnce(roots.webUi, path);
    }
    return roots;
}

LibraryRoots LibraryRoots::fromSettings(const Settings& settings, const QString& home) {
    LibraryRoots roots = standard(home);
    for (const QString& folder : settings.libraryComfyUiFolders)
        addOnce(roots.comfyUi, folder);
    for (const QString& folder : settings.libraryWebUiFolders)
        addOnce(roots.webUi, folder);
    for (const QString& folder : settings.libraryFolders)
        addOnce(roots.folders, folder);
    return roots;
}

QString LibraryRoots::installKind(const QString& folder) {
    const QDir dir(folder);
    if (isDir(dir.filePath(QStringLiteral("models/checkpoints"))) ||
        QFileInfo::exists(dir.filePath(QStringLiteral("extra_model_paths.yaml"))) ||
        QFileInfo::exists(dir.filePath(QStringLiteral("comfy"))))
        return QStringLiteral("ComfyUI");
    if (isDir(dir.filePath(QStringLiteral("models/Stable-diffusion"))) ||
        QFileInfo::exists(dir.filePath(QStringLiteral("webui.py"))))
        return QStringLiteral("A1111/Forge");
    return {};
}

} // namespace limner::app
