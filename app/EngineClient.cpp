#include "app/EngineClient.h"

#include "app/Document.h"
#include "app/ImageConvert.h"
#include "engine/service/Engine.h"

#include <QMetaObject>
#include <QPointer>
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
            this, [this, id, result = std::move(result)] { emit finished(id, result); },
            Qt::QueuedConnection);
    };
    callbacks.failed = [this](engine::JobId id, const engine::Status& status) {
        const QString message = QString::fromStdString(status.message());
        QMetaObject::invokeMethod(
            this, [this, id, message] { emit failed(id, message); }, Qt::QueuedConnection);
    };
    m_engine = std::make_unique<engine::Engine>(std::move(callbacks));
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
    request.targetLayerId = document.activeLayerId();
    request.documentRevision = document.revision();
    return request;
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

} // namespace limner::app
