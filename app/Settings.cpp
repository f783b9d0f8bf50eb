#include "app/Settings.h"

#include "app/ImageIO.h"

#include <QSettings>

namespace limner::app {

namespace {

constexpr qint64 kMinDecodeLimitBytes = qint64(16) << 20;
constexpr qint64 kMaxDecodeLimitBytes = qint64(16) << 30;
constexpr int kMaxCandidates = 8;

const QString kDecodeLimitKey = QStringLiteral("import/decodeLimitBytes");
const QString kExportQualityKey = QStringLiteral("export/quality");
const QString kBackendKey = QStringLiteral("inpaint/backend");
const QString kCandidatesKey = QStringLiteral("inpaint/candidates");
const QString kAutosaveKey = QStringLiteral("project/autosaveIntervalSeconds");
const QString kParametersKey = QStringLiteral("export/generationParameters");
const QString kRecentFilesKey = QStringLiteral("project/recentFiles");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kModelFoldersKey = QStringLiteral("models/folders");
const QString kModelDeviceKey = QStringLiteral("models/device");
const QString kModelDtypeKey = QStringLiteral("models/dtype");
const QString kLibraryFoldersKey = QStringLiteral("library/folders");
const QString kLibraryComfyUiKey = QStringLiteral("library/comfyUiFolders");
const QString kLibraryWebUiKey = QStringLiteral("library/webUiFolders");
const QString kModelPriorsKey = QStringLiteral("library/priors");
const QString kModelSpeedsKey = QStringLiteral("models/speeds");
const QString kPolicyKey = QStringLiteral("safety/policy");
const QString kWatermarkKey = QStringLiteral("export/watermark");
const QString kSignerCertificateKey = QStringLiteral("export/signerCertificate");
const QString kSignerKeyKey = QStringLiteral("export/signerKey");
const QString kPolicyAddedKey = QStringLiteral("safety/addedTerms");
const QString kPolicyRemovedKey = QStringLiteral("safety/removedTerms");
const QString kStylesKey = QStringLiteral("styles/list");
const QString kActiveStylesKey = QStringLiteral("styles/active");
constexpr int kMaxAutosaveSeconds = 3600;

// Non-empty paths, each once, in their saved order.
QStringList folderList(const QSettings& store, const QString& key) {
    QStringList out;
    for (const QString& folder : store.value(key).toStringList()) {
        if (!folder.isEmpty() && !out.contains(folder))
            out << folder;
    }
    return out;
}

} // namespace

Settings::Settings()
    : decodeLimitBytes(ImageIO::kDefaultDecodeLimitBytes)
    , exportQuality(ImageIO::kDefaultQuality)
    , backend(QStringLiteral("telea"))
    , candidates(1)
    , autosaveIntervalSeconds(120)
    , exportGenerationParameters(false)
    , modelDevice(QStringLiteral("auto"))
    , modelDtype(QStringLiteral("auto"))
    , contentPolicy(QStringLiteral("standard"))
    , exportWatermark(true)
    , styles(StylePreset::defaults()) {}

const QStringList& Settings::modelDevices() {
    static const QStringList devices{QStringLiteral("auto"), QStringLiteral("cpu"),
                                     QStringLiteral("cuda")};
    return devices;
}

const QStringList& Settings::modelDtypes() {
    static const QStringList dtypes{QStringLiteral("auto"), QStringLiteral("float32"),
                                    QStringLiteral("float16"), QStringLiteral("bfloat16")};
    return dtypes;
}

void Settings::addRecentFile(const QString& path) {
    recentFiles.removeAll(path);
    recentFiles.prepend(path);
    while (recentFiles.size() > kMaxRecentFiles)
        recentFiles.removeLast();
}

Settings Settings::load() {
    const QSettings store;
    return loadFrom(store);
}

Settings Settings::load(const QString& organization, const QString& application) {
    const QSettings store(organization, application);
    return loadFrom(store);
}

Settings Settings::loadFrom(const QSettings& store) {
    Settings s;
    bool ok = false;
    const qint64 limit = store.value(kDecodeLimitKey).toLongLong(&ok);
    if (ok && limit >= kMinDecodeLimitBytes && limit <= kMaxDecodeLimitBytes)
        s.decodeLimitBytes = limit;
    const int quality = store.value(kExportQualityKey).toInt(&ok);
    if (ok && quality >= 0 && quality <= 100)
        s.exportQuality = quality;
    const QString backend = store.value(kBackendKey).toString();
    if (!backend.isEmpty())
        s.backend = backend;
    const int candidates = store.value(kCandidatesKey).toInt(&ok);
    if (ok && candidates >= 1 && candidates <= kMaxCandidates)
        s.candidates = candidates;
    const int autosave = store.value(kAutosaveKey).toInt(&ok);
    if (ok && autosave >= 0 && autosave <= kMaxAutosaveSeconds)
        s.autosaveIntervalSeconds = autosave;
    s.exportGenerationParameters = store.value(kParametersKey, false).toBool();
    for (const QString& path : store.value(kRecentFilesKey).toStringList()) {
        if (!path.isEmpty() && s.recentFiles.size() < kMaxRecentFiles && !s.recentFiles.contains(path))
            s.recentFiles << path;
    }
    s.windowGeometry = store.value(kGeometryKey).toByteArray();
    s.windowState = store.value(kStateKey).toByteArray();
    s.modelFolders = folderList(store, kModelFoldersKey);
    const QString device = store.value(kModelDeviceKey).toString();
    if (modelDevices().contains(device))
        s.modelDevice = device;
    const QString dtype = store.value(kModelDtypeKey).toString();
    if (modelDtypes().contains(dtype))
        s.modelDtype = dtype;
    s.libraryFolders = folderList(store, kLibraryFoldersKey);
    s.libraryComfyUiFolders = folderList(store, kLibraryComfyUiKey);
    s.libraryWebUiFolders = folderList(store, kLibraryWebUiKey);
    const QVariantMap priors = store.value(kModelPriorsKey).toMap();
    for (auto it = priors.begin(); it != priors.end(); ++it) {
        const QString prior = it.value().toString();
        if (!it.key().isEmpty() && !prior.isEmpty())
            s.modelPriors.insert(it.key(), prior);
    }
    const QVariantMap speeds = store.value(kModelSpeedsKey).toMap();
    for (auto it = speeds.begin(); it != speeds.end(); ++it) {
        const double value = it.value().toDouble(&ok);
        if (ok && value > 0)
            s.modelSpeeds.insert(it.key(), value);
    }
    const QString policy = store.value(kPolicyKey).toString();
    if (policy == QLatin1String("off") || policy == QLatin1String("standard") ||
        policy == QLatin1String("strict"))
        s.contentPolicy = policy;
    s.policyAddedTerms = store.value(kPolicyAddedKey).toStringList();
    s.policyRemovedTerms = store.value(kPolicyRemovedKey).toStringList();
    s.exportWatermark = store.value(kWatermarkKey, true).toBool();
    s.signerCertificate = store.value(kSignerCertificateKey).toString();
    s.signerKey = store.value(kSignerKeyKey).toString();
    if (store.contains(kStylesKey)) {
        s.styles.clear();
        for (const QVariant& item : store.value(kStylesKey).toList()) {
            const QVariantMap map = item.toMap();
            const StylePreset style{map.value(QStringLiteral("name")).toString().trimmed(),
                                    map.value(QStringLiteral("prompt")).toString(),
                                    map.value(QStringLiteral("negative")).toString()};
            if (!style.name.isEmpty())
                s.styles << style;
        }
    }
    for (const QString& name : store.value(kActiveStylesKey).toStringList()) {
        if (StylePreset::names(s.styles).contains(name) && !s.activeStyles.contains(name))
            s.activeStyles << name;
    }
    return s;
}

void Settings::save() const {
    QSettings store;
    store.setValue(kDecodeLimitKey, decodeLimitBytes);
    store.setValue(kExportQualityKey, exportQuality);
    store.setValue(kBackendKey, backend);
    store.setValue(kCandidatesKey, candidates);
    store.setValue(kAutosaveKey, autosaveIntervalSeconds);
    store.setValue(kParametersKey, exportGenerationParameters);
    store.setValue(kRecentFilesKey, recentFiles);
    store.setValue(kGeometryKey, windowGeometry);
    store.setValue(kStateKey, windowState);
    store.setValue(kModelFoldersKey, modelFolders);
    store.setValue(kModelDeviceKey, modelDevice);
    store.setValue(kModelDtypeKey, modelDtype);
    store.setValue(kLibraryFoldersKey, libraryFolders);
    store.setValue(kLibraryComfyUiKey, libraryComfyUiFolders);
    store.setValue(kLibraryWebUiKey, libraryWebUiFolders);
    QVariantMap priors;
    for (auto it = modelPriors.begin(); it != modelPriors.end(); ++it)
        priors.insert(it.key(), it.value());
    store.setValue(kModelPriorsKey, priors);
    store.setValue(kModelSpeedsKey, modelSpeeds);
    store.setValue(kPolicyKey, contentPolicy);
    store.setValue(kPolicyAddedKey, policyAddedTerms);
    store.setValue(kPolicyRemovedKey, policyRemovedTerms);
    store.setValue(kWatermarkKey, exportWatermark);
    store.setValue(kSignerCertificateKey, signerCertificate);
    store.setValue(kSignerKeyKey, signerKey);
    QVariantList list;
    for (const StylePreset& style : styles)
        list << QVariantMap{{QStringLiteral("name"), style.name},
                            {QStringLiteral("prompt"), style.prompt},
                            {QStringLiteral("negative"), style.negative}};
    store.setValue(kStylesKey, list);
    store.setValue(kActiveStylesKey, activeStyles);
}

} // namespace limner::app
