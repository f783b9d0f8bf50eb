#pragma once

#include "engine/service/InpaintRequest.h"

#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QSize>
#include <QString>
#include <QStringList>
#include <memory>

namespace limner::engine {
class Engine;
}

namespace limner::app {

class Document;

// The only bridge between Qt and the engine. Owns one engine::Engine (one worker thread) and
// turns its worker-thread callbacks into Qt signals delivered on the thread this object lives
// in (the GUI thread).
//
//   EngineClient client;
//   connect(&client, &EngineClient::finished, this, &Panel::showCandidates);
//   quint64 id = client.submit(document, prompt, "telea", seed, 3);
//   client.cancel(id);                                   // a direct call, honoured at once
//
// Requirements: created, used and destroyed on one thread that runs an event loop.
// Guarantees: each submitted job ends with exactly one finished() or failed() (a cancelled job
//   fails with "cancelled"), unless this object is destroyed first; no signal is emitted
//   during submit() itself, and none after destruction.
class EngineClient : public QObject {
    Q_OBJECT
public:
    explicit EngineClient(QObject* parent = nullptr);
    ~EngineClient() override;

    // Returns the job id at once. A request that Engine::validate() refuses still gets an id and
    // a failed() signal, so callers have one error path.
    quint64 submit(engine::InpaintRequest request);
    // Builds the request from the document (flattened visible layers, mask, revision, active
    // layer id) and submits it.
    quint64 submit(const Document& document, const QString& prompt, const QString& backend,
                   quint64 seed, int candidates);
    static engine::InpaintRequest makeRequest(const Document& document, const QString& prompt,
                                              const QString& backend, quint64 seed, int candidates);

    // Direct call, never queued: a queued cancel would arrive after the job had finished.
    void cancel(quint64 jobId);
    void cancelAll();

    static QStringList backendNames();
    static QString backendLabel(const QString& backend);
    // The size a backend works at (its generation frame's default); empty = any size.
    static QSize backendNativeSize(const QString& backend);
    // Empty when the request can run; otherwise the engine's message.
    static QString validate(const engine::InpaintRequest& request);

signals:
    void progressed(quint64 jobId, int step, int total);
    void previewUpdated(quint64 jobId, const QImage& preview); // only when the backend has one
    void finished(quint64 jobId, const limner::engine::InpaintResult& result);
    void failed(quint64 jobId, const QString& message);

private:
    std::unique_ptr<engine::Engine> m_engine;
};

} // namespace limner::app

Q_DECLARE_METATYPE(limner::engine::InpaintResult)
