#pragma once

#include "app/CanvasMargins.h"
#include "app/OutpaintJob.h"
#include "engine/imaging/SeamCheck.h"
#include "engine/service/InpaintRequest.h"
#include "engine/service/estimate/JobEstimate.h"

#include <QImage>
#include <QObject>
#include <QVector>
#include <functional>
#include <memory>
#include <optional>

namespace limner::app {
class Document;
class EngineClient;
} // namespace limner::app

namespace limner::engine::imaging {
class FaceDetector;
}

namespace limner::ui {

class CandidatesPanel;
class CanvasView;
class GeneratePanel;
class GenerationFrameTool;

// Runs the generate → candidates → accept loop between the panels, the canvas and the engine.
// One job at a time; the Generate button becomes Cancel while it runs. With the generation
// frame as the canvas's tool, Generate outpaints: the frame is the crop, and accepting grows
// the canvas to include it (one undo step with the layer). Every finished job goes into the
// document's staging history.
class GenerationController : public QObject {
    Q_OBJECT
public:
    GenerationController(app::Document& document, app::EngineClient& client, GeneratePanel& panel,
                         CandidatesPanel& candidates, CanvasView& canvas, QObject* parent = nullptr);
    ~GenerationController() override;

    // Asks the user whether to go on after a content-policy warning (Preferences ▸ Safety,
    // Standard); true = go on. Default: a question box over the panel. Tests answer it.
    using ConfirmRisk = std::function<bool(const QString& warning)>;
    void setConfirmRisk(ConfirmRisk confirm) { m_confirmRisk = std::move(confirm); }

    bool isRunning() const { return m_jobId != 0; }
    int candidateCount() const { return m_candidateImages.size(); }
    void setFrameTool(GenerationFrameTool* tool) { m_frameTool = tool; }
    // The frame's default size for the current backend: its native size, or any size (empty).
    QSize frameSizeForBackend() const;
    // The inpaint request Generate submits now: the document's pixels and mask, the panel's
    // prompt, backend, seed and candidates and, for a model, its diffusion settings with the
    // device and precision from Preferences ▸ Models. Draws a fresh seed when "random" is on.
    engine::InpaintRequest inpaintRequest();
    // The latest progress preview shown on the canvas, in canvas coordinates; null when none.
    QRect previewRect() const { return m_showingProgress ? m_previewRect : QRect(); }
    // What a job with the panel's settings would cost (no pixels are sent: a model runs at its
    // native size whatever the region). problem: why it cannot run at all.
    engine::JobEstimate estimate(QString* problem) const;

public slots:
    // Shows estimate() under the Generate button (on every change it depends on).
    void refreshEstimate();
    void generate();
    void cancel();
    void accept(int index);
    void discard();
    // Grows the canvas by margins and fills the new area (quick "extend" actions); planned as
    // several frames when it does not fit one of the backend's native size.
    void extend(const limner::app::CanvasMargins& margins);
    // Runs a prepared job (a re-run from the staging history, for one).
    void run(const limner::app::OutpaintJob& job, const QRect& frame);

signals:
    void statusMessage(const QString& text);
    void jobStarted();
    void jobEnded(); // finished, failed or cancelled; candidates (if any) are shown

private:
    void onProgressed(quint64 jobId, int step, int total);
    void onPreviewUpdated(quint64 jobId, const QImage& preview);
    void applyModelSettings(engine::InpaintRequest& request) const;
    void clearProgressPreview();
    void onFinished(quint64 jobId, const limner::engine::InpaintResult& result);
    void onFailed(quint64 jobId, const QString& message);
    void preview(int index);
    // The seam check on every candidate of an inpaint (the canvas under them as it is now).
    void checkSeams();
    // Tries re-blends of candidate index (wider feather, colour match, histogram match,
    // Poisson) and keeps the first whose seam passes, or the one with the smallest step.
    void fixSeam(int index);
    bool seamBase(engine::Image& base) const;
    void endJob();
    app::OutpaintOptions optionsFromPanel();
    // The content policy's word on a model job (GenerationGuard); false = do not submit. On a
    // confirmed warning, *consent is the answer to record (the request's consentNote).
    bool passesPolicy(const engine::InpaintRequest& request, std::string* consent);
    bool frameIsActive() const;

    app::Document& m_document;
    app::EngineClient& m_client;
    GeneratePanel& m_panel;
    CandidatesPanel& m_candidates;
    CanvasView& m_canvas;
    quint64 m_jobId = 0;
    std::optional<engine::InpaintResult> m_result;
    int m_stagedEntryId = 0; // the staging entry holding m_result whole; 0 when none
    QVector<QImage> m_candidateImages;
    std::vector<engine::imaging::SeamReport> m_seams; // per candidate; empty for outpaints
    GenerationFrameTool* m_frameTool = nullptr;
    app::OutpaintJob m_job; // the running or shown job (request pixels dropped once submitted)
    QRect m_jobFrame;       // its frame in the source canvas's coordinates; null for inpaints
    QImage m_jobMask;       // the mask it was made from
    // Where the running job's previews go: its region in the request's canvas, and the
    // candidates' alpha there (previews are shown as the result will sit).
    QRect m_previewRect;
    QImage m_previewAlpha;
    bool m_showingProgress = false;
    ConfirmRisk m_confirmRisk;
    std::unique_ptr<engine::imaging::FaceDetector> m_faceDetector; // loaded at the first check
};

} // namespace limner::ui
