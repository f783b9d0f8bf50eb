#include "ui/GenerationController.h"

#include "app/ApplyCandidate.h"
#include "app/ApplyOutpaint.h"
#include "app/BundledModel.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "app/Settings.h"
#include "app/StagingActions.h"
#include "app/policy/ContentPolicy.h"
#include "app/policy/GenerationGuard.h"
#include "engine/imaging/FaceDetector.h"
#include "engine/imaging/Reblend.h"
#include "ui/CandidatesPanel.h"
#include "ui/CanvasView.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationFrameTool.h"

#include <QMessageBox>
#include <QPainter>
#include <algorithm>

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
    connect(&m_candidates, &CandidatesPanel::seamMapToggled, this,
            [this] { preview(m_candidates.currentIndex()); });
    connect(&m_candidates, &CandidatesPanel::fixSeamRequested, this, &GenerationController::fixSeam);
    connect(&m_client, &app::EngineClient::progressed, this, &GenerationController::onProgressed);
    connect(&m_client, &app::EngineClient::previewUpdated, this,
            &GenerationController::onPreviewUpdated);
    connect(&m_client, &app::EngineClient::modelsChanged, this,
            [this] { m_panel.setModels(m_client.models()); });
    // The bundled model (limner-mini) and the model folders added in Preferences ▸ Models,
    // checked again (a folder that no longer loads is listed there with its error). limner-mini
    // is the backend chosen when the editor opens, so a masked prompt works out of the box.
    const QString bundled = app::bundledModelFolder();
    if (m_client.models().isEmpty()) {
        const app::Settings settings = app::Settings::load();
        QStringList folders = settings.modelFolders;
        if (!bundled.isEmpty() && !folders.contains(bundled))
            folders.prepend(bundled);
        m_client.restoreModels(folders, settings.modelPriors);
    }
    m_panel.setModels(m_client.models());
    for (const app::ModelFolder& model : m_client.models()) {
        if (!bundled.isEmpty() && model.folder == bundled && model.isUsable())
            m_panel.setBackend(model.backend);
    }
    connect(&m_client, &app::EngineClient::finished, this, &GenerationController::onFinished);
    connect(&m_client, &app::EngineClient::failed, this, &GenerationController::onFailed);
    connect(&m_document, &app::Document::documentReset, this, [this] {
        cancel();
        discard();
    });
    connect(&m_panel, &GeneratePanel::estimateInputsChanged, this,
            &GenerationController::refreshEstimate);
    connect(&m_client, &app::EngineClient::estimatesChanged, this,
            &GenerationController::refreshEstimate);
    connect(&m_client, &app::EngineClient::modelsChanged, this, &GenerationController::refreshEstimate);
    refreshEstimate();
}

engine::JobEstimate GenerationController::estimate(QString* problem) const {
    engine::InpaintRequest request;
    request.backend = m_panel.backend().toStdString();
    request.prompt = m_panel.prompt().toStdString();
    request.negativePrompt = m_panel.negativePrompt().toStdString();
    request.candidates = m_panel.candidateCount();
    applyModelSettings(request);
    return app::EngineClient::estimate(request, problem);
}

void GenerationController::refreshEstimate() {
    QString problem;
    const engine::JobEstimate estimate = this->estimate(&problem);
    m_panel.setEstimate(estimate, problem);
    // Before any job has run, the device's speed comes from a probe of its own, run in the
    // background when the editor first shows a model (once per device and precision).
    if (estimate.applies && !estimate.secondsKnown) {
        const app::Settings settings = app::Settings::load();
        m_client.probeSpeed(settings.modelDevice, settings.modelDtype);
    }
}

void GenerationController::generate() {
    if (isRunning())
        return;
    if (m_document.canvasSize().isEmpty()) {
        m_panel.showMessage(tr("Open a picture first."), true);
        return;
    }
    if (frameIsActive()) {
        QString error;
        app::OutpaintJob job =
            app::OutpaintJob::forFrame(m_document, m_frameTool->frame(), optionsFromPanel(), &error);
        if (!job.isValid()) {
            m_panel.showMessage(error, true);
            return;
        }
        applyModelSettings(job.request);
        run(job, m_frameTool->frame());
        return;
    }
    if (m_document.maskIsEmpty()) {
        m_panel.showMessage(
            tr("The mask is empty: paint the area to regenerate with the mask brush (B), or drag the "
               "generation frame (F) past the edge to extend the picture."),
            true);
        return;
    }
    app::OutpaintJob job;
    job.sourceCanvas = m_document.canvasSize();
    job.request = inpaintRequest();
    run(job, {});
}

engine::InpaintRequest GenerationController::inpaintRequest() {
    engine::InpaintRequest request = app::EngineClient::makeRequest(
        m_document, m_panel.prompt(), m_panel.backend(), m_panel.seed(), m_panel.candidateCount());
    request.negativePrompt = m_panel.negativePrompt().toStdString();
    applyModelSettings(request);
    return request;
}

void GenerationController::applyModelSettings(engine::InpaintRequest& request) const {
    const app::ModelFolder* model = m_client.modelForBackend(QString::fromStdString(request.backend));
    if (!model)
        return;
    if (model->description.acceptsPrompt) {
        // Styles add their words to both prompts; the layer records which.
        const QList<app::StylePreset> styles = m_panel.activeStyles();
        request.prompt = app::StylePreset::styledPrompt(QString::fromStdString(request.prompt), styles)
                             .toStdString();
        request.negativePrompt =
            app::StylePreset::styledNegative(QString::fromStdString(request.negativePrompt), styles)
                .toStdString();
        request.styles.clear();
        for (const QString& name : app::StylePreset::names(styles))
            request.styles.push_back(name.toStdString());
    }
    const app::Settings settings = app::Settings::load();
    request.diffusion = m_panel.diffusionSettings();
    request.diffusion.device = settings.modelDevice.toStdString();
    request.diffusion.dtype = settings.modelDtype.toStdString();
}

void GenerationController::extend(const app::CanvasMargins& margins) {
    if (isRunning())
        return;
    QSize frame = frameSizeForBackend();
    if (frame.isEmpty())
        frame = margins.grown(m_document.canvasSize());
    QString error;
    app::OutpaintJob job =
        app::OutpaintJob::forMargins(m_document, margins, frame, optionsFromPanel(), &error);
    if (!job.isValid()) {
        m_panel.showMessage(error, true);
        return;
    }
    applyModelSettings(job.request);
    run(job, QRect(QPoint(-margins.left, -margins.top), margins.grown(m_document.canvasSize())));
}

GenerationController::~GenerationController() = default;

bool GenerationController::passesPolicy(const engine::InpaintRequest& request, std::string* consent) {
    if (!m_client.modelForBackend(QString::fromStdString(request.backend)))
        return true; // the classical fills ignore the prompt and invent no faces
    const app::ContentPolicy policy = app::ContentPolicy::fromSettings(app::Settings::load());
    if (policy.level != app::ContentPolicy::Level::Off && !m_faceDetector)
        m_faceDetector = std::make_unique<engine::imaging::FaceDetector>(
            engine::imaging::FaceDetector::fromSystem());
    const app::GenerationVerdict verdict =
        app::GenerationGuard::check(request, policy, true, m_faceDetector.get());
    if (verdict.outcome == app::GenerationVerdict::Outcome::Allow)
        return true;
    if (verdict.outcome == app::GenerationVerdict::Outcome::Refuse) {
        QString message = verdict.message;
        message[0] = message[0].toUpper();
        m_panel.showMessage(message + QLatin1Char('.'), true);
        return false;
    }
    QString warning = verdict.message;
    warning[0] = warning[0].toUpper();
    const bool goOn =
        m_confirmRisk ? m_confirmRisk(warning)
                      : QMessageBox::warning(&m_panel, tr("Content policy"),
                                             tr("%1.\n\nGo on anyway? Your answer is recorded with the "
                                                "generated layer in the project.")
                                                 .arg(warning),
                                             QMessageBox::Yes | QMessageBox::No,
                                             QMessageBox::No) == QMessageBox::Yes;
    if (!goOn) {
        m_panel.showMessage(tr("Not generated: %1.").arg(verdict.message), true);
        return false;
    }
    *consent = app::GenerationGuard::consentNote(verdict).toStdString();
    return true;
}

void GenerationController::run(const app::OutpaintJob& job, const QRect& frame) {
    if (isRunning())
        return;
    QString problem = app::EngineClient::validate(job.request);
    if (problem.isEmpty()) {
        // A job that cannot fit is refused here with what to change (the engine would too).
        const engine::JobEstimate cost = app::EngineClient::estimate(job.request, &problem);
        if (problem.isEmpty() && !cost.fits) {
            problem = QString::fromStdString(cost.advice);
            problem[0] = problem[0].toUpper();
        }
    }
    if (!problem.isEmpty()) {
        m_panel.showMessage(problem, true);
        return;
    }
    std::string consent;
    if (!passesPolicy(job.request, &consent))
        return;
    discard();
    m_job = job;
    m_job.request.consentNote = consent;
    m_jobFrame = frame;
    m_jobMask = m_document.mask();
    // Only models send previews; planning the region costs a pass over the mask.
    m_previewAlpha = QImage();
    m_previewRect = m_client.modelForBackend(QString::fromStdString(job.request.backend))
                        ? app::EngineClient::previewRegion(job.request, &m_previewAlpha)
                        : QRect();
    m_jobId = m_client.submit(m_job.request);
    // The request's pixels went to the engine; the result brings back what accepting needs.
    m_job.request.image = {};
    m_job.request.mask = {};
    m_job.request.outpaint.unknownArea = {};
    m_panel.setRunning(true);
    emit jobStarted();
}

QSize GenerationController::frameSizeForBackend() const {
    return app::EngineClient::backendNativeSize(m_panel.backend());
}

bool GenerationController::frameIsActive() const {
    return m_frameTool && m_canvas.tool() == m_frameTool;
}

app::OutpaintOptions GenerationController::optionsFromPanel() {
    app::OutpaintOptions options;
    options.prompt = m_panel.prompt();
    options.negativePrompt = m_panel.negativePrompt();
    options.backend = m_panel.backend();
    options.seed = m_panel.seed();
    options.candidates = m_panel.candidateCount();
    if (m_frameTool) {
        options.seedMethod = m_frameTool->seedMethod;
        options.composite.colorMatch = m_frameTool->colorMatch != engine::imaging::ColorMatchMode::Off;
        if (options.composite.colorMatch)
            options.composite.colorMatchMode = m_frameTool->colorMatch;
        options.composite.poisson = m_frameTool->poisson;
    }
    return options;
}

void GenerationController::cancel() {
    if (isRunning())
        m_client.cancel(m_jobId);
}

void GenerationController::onProgressed(quint64 jobId, int step, int total) {
    if (jobId == m_jobId)
        m_panel.setProgress(step, total);
}

void GenerationController::onPreviewUpdated(quint64 jobId, const QImage& preview) {
    if (jobId != m_jobId || m_previewRect.isNull() || preview.size() != m_previewRect.size())
        return;
    // Shown as the candidate will sit: inside its blend mask, over the picture as it is.
    QImage shown = preview.convertToFormat(QImage::Format_ARGB32);
    if (m_previewAlpha.size() == shown.size())
        shown.setAlphaChannel(m_previewAlpha);
    // An outpaint's region is on the grown canvas; the canvas is still the old one.
    const QPoint shift = m_job.growth.isNull() ? QPoint() : m_job.growth.shift();
    m_canvas.setPreview(shown, m_previewRect.topLeft() - shift);
    m_showingProgress = true;
}

void GenerationController::clearProgressPreview() {
    if (m_showingProgress)
        m_canvas.clearPreview();
    m_showingProgress = false;
}

void GenerationController::onFinished(quint64 jobId, const engine::InpaintResult& result) {
    if (jobId != m_jobId)
        return;
    endJob();
    m_result = result;
    // A candidate the model's safety checker flagged is blacked out (shown as is, with a warning,
    // only where the policy is Off) and cannot be accepted — nor kept in the staging history,
    // whence it could be accepted later.
    const bool policyOff =
        app::ContentPolicy::fromSettings(app::Settings::load()).level == app::ContentPolicy::Level::Off;
    engine::InpaintResult staged = result;
    if (!policyOff) {
        auto& kept = staged.candidates;
        kept.erase(
            std::remove_if(kept.begin(), kept.end(),
                           [](const engine::InpaintCandidate& c) { return !c.safetyWarning.empty(); }),
            kept.end());
    }
    m_stagedEntryId = 0;
    if (!staged.candidates.empty()) {
        const int id =
            m_document.addStagingEntry(app::makeStagingEntry(m_job, m_jobFrame, m_jobMask, staged));
        // The mixer finds the other candidates there only when none was left out.
        if (staged.candidates.size() == result.candidates.size())
            m_stagedEntryId = id;
    }
    m_candidateImages.clear();
    int flagged = 0;
    for (const engine::InpaintCandidate& candidate : result.candidates) {
        QImage image = app::ImageConvert::toLayerPixels(candidate.layer);
        if (!candidate.safetyWarning.empty()) {
            ++flagged;
            if (!policyOff)
                image.fill(QColor(0, 0, 0, 255));
        }
        m_candidateImages.append(image);
    }
    m_candidates.setCandidates(m_candidateImages);
    checkSeams();
    if (flagged > 0) {
        m_panel.showMessage(policyOff ? tr("The model's safety checker flagged %n candidate(s) as "
                                           "possibly NSFW (shown: the content policy is Off).",
                                           nullptr, flagged)
                                      : tr("The model's safety checker flagged %n candidate(s) as "
                                           "possibly NSFW: blacked out, they cannot be accepted.",
                                           nullptr, flagged),
                            true);
    } else {
        m_panel.showMessage(m_candidateImages.size() == 1
                                ? tr("1 candidate: Accept keeps it as a layer.")
                                : tr("%1 candidates: click one to preview it, Accept keeps it as a "
                                     "layer.")
                                      .arg(m_candidateImages.size()),
                            false);
    }
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
    clearProgressPreview();
    m_panel.setRunning(false);
}

void GenerationController::preview(int index) {
    if (!m_result || index < 0 || index >= m_candidateImages.size()) {
        m_canvas.clearPreview();
        return;
    }
    // An outpaint's region is on the grown canvas; before accepting, the canvas is the old one
    // (unless an earlier candidate of the job grew it already).
    const bool grown = m_document.canvasSize() != m_job.sourceCanvas;
    const QPoint shift = grown ? QPoint() : m_job.growth.shift();
    QImage shown = m_candidateImages[index];
    if (m_candidates.showsSeamMap() && index < int(m_seams.size())) {
        // The seam map: the check's heatmap in red over the candidate.
        const engine::Image& heat = m_seams[std::size_t(index)].heatmap;
        QImage red(heat.width, heat.height, QImage::Format_ARGB32);
        for (int y = 0; y < heat.height; ++y) {
            auto* row = reinterpret_cast<QRgb*>(red.scanLine(y));
            for (int x = 0; x < heat.width; ++x)
                row[x] = qRgba(255, 0, 0, heat.pixel(x, y)[0]);
        }
        shown = shown.convertToFormat(QImage::Format_ARGB32);
        QPainter(&shown).drawImage(0, 0, red);
    }
    m_canvas.setPreview(shown, QPoint(m_result->region.x, m_result->region.y) - shift);
    m_canvas.update();
}

bool GenerationController::seamBase(engine::Image& base) const {
    // Only an inpaint on the canvas as it was: an outpaint's region lies on the grown canvas.
    if (!m_result || !m_job.growth.isNull() || m_document.canvasSize() != m_job.sourceCanvas)
        return false;
    const engine::Rect& r = m_result->region;
    base = app::ImageConvert::toEngineRgb(m_document.flatten(QRect(r.x, r.y, r.width, r.height)));
    return true;
}

void GenerationController::checkSeams() {
    m_seams.clear();
    engine::Image base;
    if (!seamBase(base)) {
        m_candidates.setSeamVerdicts({});
        return;
    }
    QVector<CandidatesPanel::SeamVerdict> verdicts;
    for (const engine::InpaintCandidate& candidate : m_result->candidates) {
        engine::imaging::SeamReport report;
        if (!engine::imaging::checkSeam(base, candidate.layer, m_result->userMask, {}, report)) {
            m_seams.clear();
            m_candidates.setSeamVerdicts({});
            return;
        }
        verdicts.append({report.visible, QString::fromStdString(report.reason)});
        m_seams.push_back(std::move(report));
    }
    m_candidates.setSeamVerdicts(verdicts);
}

void GenerationController::fixSeam(int index) {
    constexpr double kMaxFillChange = 15.0; // mean ΔE inside the mask
    engine::Image base;
    if (index < 0 || index >= int(m_seams.size()) || !seamBase(base))
        return;
    engine::InpaintCandidate& candidate = m_result->candidates[std::size_t(index)];
    if (candidate.generated.empty())
        return;
    using engine::imaging::ColorMatchMode;
    engine::imaging::ReblendSettings start;
    start.blendFeather = std::max(1, m_result->blendFeather);
    start.blendGrow = m_result->blendGrow;
    start.denoiseGrow = m_result->denoiseGrow;
    start.colorRingWidth = m_result->colorRingWidth;
    start.colorMatch =
        m_result->composite.colorMatch ? m_result->composite.colorMatchMode : ColorMatchMode::Off;
    start.poisson = m_result->composite.poisson;
    start.matchAtEdgeOnly = m_client.modelForBackend(QString::fromStdString(m_result->backend));
    struct Fix {
        QString what;
        engine::imaging::ReblendSettings settings;
    };
    std::vector<Fix> fixes;
    auto wider = start;
    wider.blendFeather = start.blendFeather * 2;
    fixes.push_back({tr("a wider feather"), wider});
    auto colour = start;
    colour.colorMatch = ColorMatchMode::Statistics;
    fixes.push_back({tr("colour match"), colour});
    auto histogram = start;
    histogram.colorMatch = ColorMatchMode::Histogram;
    fixes.push_back({tr("histogram match"), histogram});
    auto poisson = start;
    poisson.poisson = true;
    fixes.push_back({tr("Poisson blending"), poisson});
    auto both = wider;
    both.colorMatch = ColorMatchMode::Histogram;
    fixes.push_back({tr("a wider feather with histogram match"), both});

    int best = -1;
    engine::Image bestLayer;
    engine::imaging::SeamReport bestReport = m_seams[std::size_t(index)];
    for (std::size_t i = 0; i < fixes.size(); ++i) {
        engine::Image layer;
        engine::imaging::SeamReport report;
        double changed = 0;
        if (!engine::imaging::reblendCandidate(candidate.generated, base, m_result->userMask,
                                               fixes[i].settings, layer) ||
            !engine::imaging::checkSeam(base, layer, m_result->userMask, {}, report) ||
            !engine::imaging::fillChange(base, candidate.layer, layer, m_result->userMask, changed))
            continue;
        // A fix keeps what was generated: colour match that turns a requested yellow wall blue
        // hides the seam by undoing the fill.
        if (changed > kMaxFillChange)
            continue;
        const bool better =
            bestReport.visible && (!report.visible || report.colorStep < bestReport.colorStep);
        if (better) {
            best = int(i);
            bestLayer = std::move(layer);
            bestReport = std::move(report);
        }
        if (!bestReport.visible)
            break;
    }
    if (best < 0) {
        emit statusMessage(tr("No re-blend makes this seam less visible; try another candidate."));
        return;
    }
    candidate.layer = std::move(bestLayer);
    m_candidateImages[index] = app::ImageConvert::toLayerPixels(candidate.layer);
    m_seams[std::size_t(index)] = bestReport;
    QVector<CandidatesPanel::SeamVerdict> verdicts;
    for (const auto& report : m_seams)
        verdicts.append({report.visible, QString::fromStdString(report.reason)});
    m_candidates.setSeamVerdicts(verdicts);
    preview(index);
    emit statusMessage(
        bestReport.visible
            ? tr("Re-blended with %1: the seam is weaker (%2 ΔE) but still visible.")
                  .arg(fixes[std::size_t(best)].what)
                  .arg(bestReport.colorStep, 0, 'f', 1)
            : tr("Re-blended with %1: the seam passes.").arg(fixes[std::size_t(best)].what));
}

void GenerationController::accept(int index) {
    if (!m_result || index < 0 || index >= int(m_result->candidates.size()))
        return;
    if (!m_result->candidates[std::size_t(index)].safetyWarning.empty() &&
        app::ContentPolicy::fromSettings(app::Settings::load()).level !=
            app::ContentPolicy::Level::Off) {
        m_panel.showMessage(tr("This candidate was flagged by the model's safety checker and is not "
                               "accepted (with Preferences ▸ Safety set to Off it is only a warning)."),
                            true);
        return;
    }
    QString error;
    const bool growing = !m_job.growth.isNull() && m_document.canvasSize() == m_job.sourceCanvas;
    const int layerId = m_job.growth.isNull()
                            ? app::applyCandidateAsLayer(m_document, *m_result, index, &error,
                                                         app::MaskAfterAccept::Clear, m_stagedEntryId)
                            : app::applyOutpaintCandidate(m_document, m_job.growth, m_job.sourceCanvas,
                                                          *m_result, index, &error);
    if (layerId < 0) {
        m_panel.showMessage(error, true);
        return;
    }
    // The frame stays where it was on the picture, which now sits further right or down.
    if (growing && m_frameTool)
        m_frameTool->setFrame(m_frameTool->frame().translated(m_job.growth.shift()));
    discard();
    emit statusMessage(
        tr("Added the candidate as layer \"%1\".").arg(m_document.layerById(layerId)->name));
}

void GenerationController::discard() {
    m_result.reset();
    m_seams.clear();
    m_candidateImages.clear();
    m_candidates.clear();
    m_canvas.clearPreview();
}

} // namespace limner::ui
