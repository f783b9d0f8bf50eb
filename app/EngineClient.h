#pragma once

#include "engine/service/InpaintRequest.h"
#include "engine/service/ModelDescription.h"
#include "engine/service/estimate/JobEstimate.h"

#include <QImage>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QRect>
#include <QSet>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>

namespace limner::engine {
class Engine;
}

namespace limner::app {

class Document;

// A diffusion model folder the user added (Preferences ▸ Models). A folder that no longer checks
// out (moved, damaged) stays listed with the engine's message so the user sees why it is gone.
struct ModelFolder {
    QString folder;      // absolute path
    QString priorFolder; // a Kandinsky decoder's prior pipeline, when it lives elsewhere
    QString backend;     // the engine backend name requests use; empty when the folder failed
    engine::ModelDescription description;
    QString error; // empty when the model can run

    bool isUsable() const { return error.isEmpty(); }
    QString label() const; // what the backend list shows: "folder name (family)"
};

// The only bridge between Qt and the engine. Owns one engine::Engine (one worker thread) and
// turns its worker-thread callbacks into Qt signals delivered on the thread this object lives
// in (the GUI thread).
//
//   EngineClient client;
//   connect(&client, &EngineClient::finished, this, &Panel::showCandidates);
//   quint64 id = client.submit(document, prompt, "telea", seed, 3);
//   client.cancel(id);                                   // a direct call, honoured at once
//
// The speeds the engine measures (a matrix-multiply probe, then finished jobs) are restored
// from Settings when it is made and saved there after each finished job, so estimates use this
// computer's speed from the start of the next session.
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
    // Whether a mask inpaint on this backend matches the fill's colours to its surroundings by
    // default (makeRequest sets it; outpainting has its own setting). Classical fills only
    // continue their surroundings: yes. A diffusion model's fill rightly holds something new,
    // a red object on a blue wall, that matching pulls towards the wall: no (limner-mini's
    // eval-mini on 200 scenes: 83.0 % colour accuracy without, 76.5 % with).
    static bool inpaintColorMatch(const std::string& backend);

    // Direct call, never queued: a queued cancel would arrive after the job had finished.
    void cancel(quint64 jobId);
    void cancelAll();

    static QStringList backendNames();
    static QString backendLabel(const QString& backend);
    // The size a backend works at (its generation frame's default); empty = any size.
    static QSize backendNativeSize(const QString& backend);
    // Empty when the request can run; otherwise the engine's message.
    static QString validate(const engine::InpaintRequest& request);
    // What the request will cost before it runs (engine::Engine::estimate): cheap, for every
    // change of the generate panel. problem receives the message of a request that cannot run
    // at all (an unknown device or dtype), else is cleared.
    static engine::JobEstimate estimate(const engine::InpaintRequest& request, QString* problem);
    // Bytes as the engine's messages write them: "850 MiB", "5.8 GiB", "12 GiB".
    static QString bytesText(quint64 bytes);
    // Measures the speed of the device and dtype these settings ("auto", "cpu", … as in
    // Settings) choose, on the worker thread, once per pair; estimatesChanged() follows.
    void probeSpeed(const QString& device, const QString& dtype);

    // Where a job's progress previews belong in the request's canvas: the region the engine
    // crops (as the job will plan it) and, in alpha, the blend mask its candidates get there, so
    // a preview can be shown as the result will sit. A null rect when the request has no single
    // region (an empty mask, a multi-frame outpaint).
    static QRect previewRegion(const engine::InpaintRequest& request, QImage* alpha);

    // False in builds without libtorch: then only the classical fills exist.
    static bool modelsSupported();
    // "Auto (bfloat16: this CPU has AVX-512 BF16)": what the precision Auto means on `device`.
    static QString autoPrecisionLabel(const QString& device);
    // Checks a model folder (without reading its tensors) and lists it. Empty on success;
    // otherwise the engine's message, and nothing is listed. Adding a listed folder again
    // checks it again. priorFolder: the prior pipeline a Kandinsky decoder runs with when it
    // is kept in a folder of its own (chosen in the model library).
    QString addModel(const QString& folder, const QString& priorFolder = {});
    // Lists saved folders again at startup; one that fails is listed with its error. priors:
    // folder → its prior's folder, for the decoders that have one.
    void restoreModels(const QStringList& folders, const QMap<QString, QString>& priors = {});
    // Takes a folder off the list and off the engine's backends at once (requests naming it
    // are refused from now on) and frees its loaded model on the engine's worker thread, after
    // the running job.
    void removeModel(const QString& folder);
    const QVector<ModelFolder>& models() const { return m_models; }
    QStringList modelFolders() const;
    // The listed, usable model a backend name refers to; nullptr for classical fills.
    const ModelFolder* modelForBackend(const QString& backend) const;

signals:
    void progressed(quint64 jobId, int step, int total);
    void previewUpdated(quint64 jobId, const QImage& preview); // only when the backend has one
    void finished(quint64 jobId, const limner::engine::InpaintResult& result);
    void failed(quint64 jobId, const QString& message);
    void modelsChanged();
    // A measured speed or the free GPU memory changed: estimates may read differently now.
    void estimatesChanged();

private:
    void saveSpeeds();

    ModelFolder checkModel(const QString& folder, const QString& priorFolder) const;
    void listModel(const ModelFolder& model);

    std::unique_ptr<engine::Engine> m_engine;
    QVector<ModelFolder> m_models;
    QSet<QString> m_probed; // "device/dtype" settings already probed
};

} // namespace limner::app

Q_DECLARE_METATYPE(limner::engine::InpaintResult)
