#include "app/StagingActions.h"

#include "app/ApplyCandidate.h"
#include "app/ApplyOutpaint.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"

namespace limner::app {

int acceptStagedCandidate(Document& document, int entryId, int candidateIndex, QString* errorMessage) {
    const StagingEntry* entry = document.stagingHistory().find(entryId);
    if (!entry) {
        if (errorMessage)
            *errorMessage = QObject::tr("that job is no longer in the staging history");
        return -1;
    }
    // A copy: accepting changes the document, and with it (through signals) possibly the history.
    const StagingEntry staged = *entry;
    if (staged.isOutpaint())
        return applyOutpaintCandidate(document, staged.growth, staged.sourceCanvas, staged.result,
                                      candidateIndex, errorMessage);
    return applyCandidateAsLayer(document, staged.result, candidateIndex, errorMessage,
                                 MaskAfterAccept::Clear, staged.id);
}

OutpaintJob rerunStagedJob(const Document& document, const StagingEntry& entry, QString* errorMessage) {
    OutpaintOptions options;
    options.prompt = entry.prompt;
    options.negativePrompt = entry.negativePrompt;
    options.backend = entry.backend;
    options.seed = entry.seed;
    options.candidates = qMax(1, entry.candidateCount);
    options.seedMethod = entry.seedMethod;
    options.composite = entry.composite;
    if (entry.isOutpaint()) {
        QRect frame = entry.frame;
        if (document.canvasSize() == entry.growth.grown(entry.sourceCanvas) && !entry.growth.isNull())
            frame.translate(entry.growth.shift());
        else if (document.canvasSize() != entry.sourceCanvas) {
            if (errorMessage)
                *errorMessage = QObject::tr("the canvas has changed size since this outpaint; place "
                                            "the generation frame again");
            return {};
        }
        OutpaintJob job = OutpaintJob::forFrame(document, frame, options, errorMessage);
        job.request.diffusion = entry.diffusion;
        return job;
    }
    OutpaintJob job;
    job.sourceCanvas = document.canvasSize();
    job.request = EngineClient::makeRequest(document, entry.prompt, entry.backend, entry.seed,
                                            options.candidates);
    job.request.negativePrompt = entry.negativePrompt.toStdString();
    job.request.composite = entry.composite;
    job.request.diffusion = entry.diffusion;
    if (entry.mask.size() == document.canvasSize())
        job.request.mask = ImageConvert::toEngineMask(entry.mask);
    if (const QString problem = EngineClient::validate(job.request); !problem.isEmpty()) {
        if (errorMessage)
            *errorMessage = problem;
        return {};
    }
    return job;
}

StagingEntry makeStagingEntry(const OutpaintJob& job, const QRect& frame, const QImage& mask,
                              const engine::InpaintResult& result) {
    StagingEntry entry;
    entry.created = QDateTime::currentDateTime();
    entry.prompt = QString::fromStdString(job.request.prompt);
    entry.negativePrompt = QString::fromStdString(job.request.negativePrompt);
    entry.backend = QString::fromStdString(job.request.backend);
    entry.seed = job.request.seed;
    entry.candidateCount = job.request.candidates;
    entry.composite = job.request.composite;
    entry.diffusion = job.request.diffusion;
    entry.seedMethod = job.request.outpaint.seedMethod;
    entry.mask = mask.convertToFormat(QImage::Format_Grayscale8);
    entry.frame = frame;
    entry.growth = job.growth;
    entry.sourceCanvas = job.sourceCanvas;
    entry.result = result;
    return entry;
}

} // namespace limner::app
