#include "app/EngineClient.h"

#include "app/Document.h"
#include "app/ImageConvert.h"
#include "app/Settings.h"
#include "engine/imaging/RegionPlan.h"
#include "engine/service/Engine.h"
#include "engine/service/InpaintJobRunner.h"
#include "engine/service/estimate/JobEstimator.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>
#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace limner::app {

namespace {

void registerMetaTypes() {
    qRegisterMetaType<limner::engine::InpaintResult>("limner::engine::InpaintResult");
}

} // namespace

EngineClient::EngineClient(QObject* parent)
    : QObject(parent) {
    registerMetaTypes();
    // The callbacks run on the engine's worker thread. Each one posts a functor to this object;
    // Qt runs it on this object's thread and drops it if the object is gone by then, so the
    // signals are always emitted on the GUI thread.
    engine::Engine::Callbacks callbacks;
    callbacks.progress = [this](engine::JobId id, const engine::JobProgress& progress) {
        QImage preview = progress.preview.empty() ? QImage() : ImageConvert::toQImage(progress.preview);
        const int step = progress.step;
        const int total = progress.total;
        QMetaObject::invokeMethod(
            this,
            [this, id, step, total, preview = std::move(preview)] {
                emit progressed(id, step, total);
                if (!preview.isNull())
                    emit previewUpdated(id, preview);
            },
            Qt::QueuedConnection);
    };
    callbacks.finished = [this](engine::JobId id, engine::InpaintResult result) {
        QMetaObject::invokeMethod(
            this,
            [this, id, result = std::move(result)] {
                emit finished(id, result);
                // A model's job measured this computer's speed, and left its model loaded.
                if (engine::Engine::backendIsModel(result.backend)) {
                    saveSpeeds();
                    emit estimatesChanged();
                }
            },
            Qt::QueuedConnection);
    };
    callbacks.failed = [this](engine::JobId id, const engine::Status& status) {
        const QString message = QString::fromStdString(status.message());
        QMetaObject::invokeMethod(
            this, [this, id, message] { emit failed(id, message); }, Qt::QueuedConnection);
    };
    m_engine = std::make_unique<engine::Engine>(std::move(callbacks));

    const Settings settings = Settings::load();
    std::map<std::string, double> speeds;
    for (auto it = settings.modelSpeeds.begin(); it != settings.modelSpeeds.end(); ++it)
        speeds[it.key().toStdString()] = it.value().toDouble();
    engine::Engine::restoreSpeedRecords(speeds);
}

EngineClient::~EngineClient() {
    // Join the worker before the signals' owner goes away; anything it posts meanwhile is
    // discarded together with this object's pending events.
    m_engine.reset();
}

quint64 EngineClient::submit(engine::InpaintRequest request) {
    return m_engine->submit(std::move(request));
}

quint64 EngineClient::submit(const Document& document, const QString& prompt, const QString& backend,
                             quint64 seed, int candidates) {
    return submit(makeRequest(document, prompt, backend, seed, candidates));
}

engine::InpaintRequest EngineClient::makeRequest(const Document& document, const QString& prompt,
                                                 const QString& backend, quint64 seed, int candidates) {
    engine::InpaintRequest request;
    const QImage flat = document.flatten();
    // Classical fills work on colour only; send alpha only when the canvas has transparency.
    request.image = ImageConvert::isOpaque(flat) ? ImageConvert::toEngineRgb(flat)
                                                 : ImageConvert::toEngineRgba(flat);
    request.mask = ImageConvert::toEngineMask(document.mask());
    request.backend = backend.toStdString();
    request.prompt = prompt.toStdString();
    request.seed = seed;
    request.candidates = candidates;
    request.composite.colorMatch = inpaintColorMatch(request.backend);
    request.targetLayerId = document.activeLayerId();
    request.documentRevision = document.revision();
    return request;
}

bool EngineClient::inpaintColorMatch(const std::string& backend) {
    return !engine::Engine::backendIsModel(backend);
}

void EngineClient::cancel(quint64 jobId) {
    m_engine->cancel(jobId);
}

void EngineClient::cancelAll() {
    m_engine->cancelAll();
}

QStringList EngineClient::backendNames() {
    QStringList names;
    for (const std::string& name : engine::Engine::backendNames())
        names << QString::fromStdString(name);
    return names;
}

QString EngineClient::backendLabel(const QString& backend) {
    return QString::fromStdString(engine::Engine::backendLabel(backend.toStdString()));
}

QSize EngineClient::backendNativeSize(const QString& backend) {
    const engine::BackendGeometry g = engine::Engine::backendGeometry(backend.toStdString());
    return g.nativeWidth > 0 && g.nativeHeight > 0 ? QSize(g.nativeWidth, g.nativeHeight) : QSize();
}

QString EngineClient::validate(const engine::InpaintRequest& request) {
    const engine::Status status = engine::Engine::validate(request);
    return status.isOk() ? QString() : QString::fromStdString(status.message());
}

engine::JobEstimate EngineClient::estimate(const engine::InpaintRequest& request, QString* problem) {
    engine::JobEstimate estimate;
    const engine::Status status = engine::Engine::estimate(request, estimate);
    if (problem)
        *problem = status.isOk() ? QString() : QString::fromStdString(status.message());
    return estimate;
}

QString EngineClient::bytesText(quint64 bytes) {
    return QString::fromStdString(engine::JobEstimator::bytesText(bytes));
}

void EngineClient::probeSpeed(const QString& device, const QString& dtype) {
    const QString key = device + QLatin1Char('/') + dtype;
    if (m_probed.contains(key))
        return;
    m_probed.insert(key);
    engine::DiffusionSettings settings;
    settings.device = device.toStdString();
    settings.dtype = dtype.toStdString();
    m_engine->probeSpeed(settings, [this] {
        QMetaObject::invokeMethod(
            this,
            [this] {
                saveSpeeds();
                emit estimatesChanged();
            },
            Qt::QueuedConnection);
    });
}

void EngineClient::saveSpeeds() {
    Settings settings = Settings::load();
    QVariantMap speeds;
    for (const auto& [key, value] : engine::Engine::speedRecords())
        speeds.insert(QString::fromStdString(key), value);
    if (speeds == settings.modelSpeeds)
        return;
    settings.modelSpeeds = speeds;
    settings.save();
}

QRect EngineClient::previewRegion(const engine::InpaintRequest& request, QImage* alpha) {
    const std::vector<engine::Rect>& frames = request.outpaint.frames;
    if (frames.size() > 1 || request.mask.empty())
        return {};
    // The plan InpaintJobRunner makes for the request.
    const engine::imaging::RegionPlan plan =
        engine::InpaintJobRunner::planRegion(request, engine::Engine::backendGeometry(request.backend));
    if (plan.region.empty())
        return {};
    if (alpha)
        *alpha = ImageConvert::toQImage(plan.blendMask);
    return QRect(plan.region.x, plan.region.y, plan.region.width, plan.region.height);
}

namespace {

// "models--ORG--NAME" (a hub cache repo folder) → "ORG/NAME"; "" for other names.
QString repoIdOf(const QString& folderName) {
    const QString prefix = QStringLiteral("models--");
    const int separator = folderName.indexOf(QStringLiteral("--"), prefix.size());
    if (!folderName.startsWith(prefix) || separator < 0)
        return {};
    return folderName.mid(prefix.size(), separator - prefix.size()) + QLatin1Char('/') +
           folderName.mid(separator + 2);
}

} // namespace

QString ModelFolder::label() const {
    // A hub cache entry goes by its repo id, whether named by its repo folder or a snapshot.
    const QFileInfo info(folder);
    QString name = repoIdOf(info.fileName());
    if (name.isEmpty() && info.dir().dirName() == QLatin1String("snapshots"))
        name = repoIdOf(QFileInfo(info.dir().absolutePath()).dir().dirName());
    if (name.isEmpty())
        name = info.fileName();
    const QString base = name.isEmpty() ? folder : name;
    return description.family.empty()
               ? base
               : QStringLiteral("%1 (%2)").arg(base, QString::fromStdString(description.family));
}

bool EngineClient::modelsSupported() {
    return engine::Engine::modelsSupported();
}

QString EngineClient::autoPrecisionLabel(const QString& device) {
    std::string why;
    const std::string dtype = engine::Engine::autoDtype(device.toStdString(), &why);
    if (dtype.empty())
        return QObject::tr("Auto");
    return QObject::tr("Auto (%1: %2)").arg(QString::fromStdString(dtype), QString::fromStdString(why));
}

ModelFolder EngineClient::checkModel(const QString& folder, const QString& priorFolder) const {
    ModelFolder model;
    model.folder = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    model.priorFolder = priorFolder;
    std::string name;
    const engine::Status status = engine::Engine::addModel(
        model.folder.toStdString(), name, &model.description, priorFolder.toStdString());
    if (status.isOk())
        model.backend = QString::fromStdString(name);
    else
        model.error = QString::fromStdString(status.message());
    return model;
}

void EngineClient::listModel(const ModelFolder& model) {
    const auto existing = std::find_if(m_models.begin(), m_models.end(),
                                       [&](const ModelFolder& m) { return m.folder == model.folder; });
    if (existing != m_models.end())
        *existing = model;
    else
        m_models.append(model);
}

QString EngineClient::addModel(const QString& folder, const QString& priorFolder) {
    const ModelFolder model = checkModel(folder, priorFolder);
    if (!model.isUsable())
        return model.error;
    listModel(model);
    emit modelsChanged();
    return {};
}

void EngineClient::restoreModels(const QStringList& folders, const QMap<QString, QString>& priors) {
    if (folders.isEmpty())
        return;
    for (const QString& folder : folders)
        listModel(checkModel(folder, priors.value(folder)));
    emit modelsChanged();
}

void EngineClient::removeModel(const QString& folder) {
    const QString path = QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    const auto removed = std::remove_if(m_models.begin(), m_models.end(),
                                        [&](const ModelFolder& m) { return m.folder == path; });
    if (removed == m_models.end())
        return;
    for (auto it = removed; it != m_models.end(); ++it) {
        if (!it->backend.isEmpty())
            m_engine->removeModel(it->backend.toStdString());
    }
    m_models.erase(removed, m_models.end());
    emit modelsChanged();
}

QStringList EngineClient::modelFolders() const {
    QStringList folders;
    for (const ModelFolder& model : m_models)
        folders << model.folder;
    return folders;
}

const ModelFolder* EngineClient::modelForBackend(const QString& backend) const {
    for (const ModelFolder& model : m_models) {
        if (model.isUsable() && model.backend == backend)
            return &model;
    }
    return nullptr;
}

} // namespace limner::app
