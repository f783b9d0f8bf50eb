#include "ui/GenerationController.h"

#include "app/ApplyCandidate.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "ui/CandidatesPanel.h"
#include "ui/CanvasView.h"
#include "ui/GeneratePanel.h"

namespace limner::ui {

GenerationController::GenerationController(app::Document& document, app::EngineClient& client,
                                           GeneratePanel& panel, CandidatesPanel& candidates,
                                           CanvasView& canvas, QObject* parent)
    : QObject(parent)
    , m_document(document)
    , m_client(client)
    , m_panel(panel)
    , m_candidates(candidates)
    , m_canvas(canvas) {
    connect(&m_panel, &GeneratePanel::generateRequested, this, &GenerationController::generate);
    connect(&m_panel, &GeneratePanel::cancelRequested, this, &GenerationController::cancel);
    connect(&m_candidates, &CandidatesPanel::previewRequested, this, &GenerationController::preview);
    connect(&m_candidates, &CandidatesPanel::acceptRequested, this, &GenerationController::accept);
    connect(&m_candidates, &CandidatesPanel::discardRequested, this, &GenerationController::discard);
    connect(&m_client, &app::EngineClient::progressed, this, &GenerationController::onProgressed);
    connect(&m_client, &app::EngineClient::finished, this, &GenerationController::onFinished);
    connect(&m_client, &app::EngineClient::failed, this, &GenerationController::onFailed);
    connect(&m_document, &app::Document::documentReset, this, [this] {
        cancel();
        discard();
    });
}

void GenerationController::generate() {
    if (isRunning())
        return;
    if (m_document.canvasSize().isEmpty()) {
        m_panel.showMessage(tr("Open a picture first."), true);
        return;
    }
    if (m_document.maskIsEmpty()) {
        m_panel.showMessage(
            tr("The mask is empty: paint the area to regenerate with the mask brush (B)."), true);
        return;
    }
    engine::InpaintRequest request = app::EngineClient::makeRequest(
        m_document, m_panel.prompt(), m_panel.backend(), m_panel.seed(), m_panel.candidateCount());
    request.negativePrompt = m_panel.negativePrompt().toStdString();
    const QString problem = app::EngineClient::validate(request);
    if (!problem.isEmpty()) {
        m_panel.showMessage(problem, true);
        return;
    }
    discard();
    m_jobId = m_client.submit(std::move(request));
    m_panel.setRunning(true);
    emit jobStarted();
}

void GenerationController::cancel() {
    if (isRunning())
        m_client.cancel(m_jobId);
}

void GenerationController::onProgressed(quint64 jobId, int step, int total) {
    if (jobId == m_jobId)
        m_panel.setProgress(step, total);
}

void GenerationController::onFinished(quint64 jobId, const engine::InpaintResult& result) {
    if (jobId != m_jobId)
        return;
    endJob();
    m_result = result;
    m_candidateImages.clear();
    for (const engine::InpaintCandidate& candidate : result.candidates)
        m_candidateImages.append(app::ImageConvert::toLayerPixels(candidate.layer));
    m_candidates.setCandidates(m_candidateImages);
    m_panel.showMessage(m_candidateImages.size() == 1
                            ? tr("1 candidate: Accept keeps it as a layer.")
                            : tr("%1 candidates: click one to preview it, Accept keeps it as a layer.")
                                  .arg(m_candidateImages.size()),
                        false);
    if (!m_candidateImages.isEmpty())
        m_candidates.setCurrentIndex(0);
    emit jobEnded();
}

void GenerationController::onFailed(quint64 jobId, const QString& message) {
    if (jobId != m_jobId)
        return;
    endJob();
    m_panel.showMessage(message, message != tr("cancelled") && message != QStringLiteral("cancelled"));
    emit jobEnded();
}

void GenerationController::endJob() {
    m_jobId = 0;
    m_panel.setRunning(false);
}

void GenerationController::preview(int index) {
    if (!m_result || index < 0 || index >= m_candidateImages.size()) {
        m_canvas.clearPreview();
        return;
    }
    m_canvas.setPreview(m_candidateImages[index], QPoint(m_result->region.x, m_result->region.y));
}

void GenerationController::accept(int index) {
    if (!m_result || index < 0 || index >= int(m_result->candidates.size()))
        return;
    QString error;
    const int layerId =
        app::applyCandidateAsLayer(m_document, *m_result, index, &error, app::MaskAfterAccept::Clear);
    if (layerId < 0) {
        m_panel.showMessage(error, true);
        return;
    }
    discard();
    emit statusMessage(
        tr("Added the candidate as layer \"%1\".").arg(m_document.layerById(layerId)->name));
}

void GenerationController::discard() {
    m_result.reset();
    m_candidateImages.clear();
    m_candidates.clear();
    m_canvas.clearPreview();
}

} // namespace limner::ui
