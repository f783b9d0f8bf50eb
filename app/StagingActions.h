#pragma once

#include "app/OutpaintJob.h"

#include <QImage>
#include <QRect>
#include <QString>

namespace limner::app {

class Document;
struct StagingEntry;

// Accepts candidate candidateIndex of a staging entry as a new layer, however long ago it was
// made: an outpaint grows the canvas first (or finds it grown already), an inpaint is added as
// it is; the mask is cleared in the same undo step. Several candidates of one entry can be
// accepted, each on its own layer. Returns the layer id, or -1 with *errorMessage set and the
// document unchanged (unknown entry or candidate, or a canvas of another size).
int acceptStagedCandidate(Document& document, int entryId, int candidateIndex,
                          QString* errorMessage = nullptr);

// The job again, with the entry's prompt, backend, seed, candidates and settings, on the
// document as it is now: an outpaint uses the entry's frame (moved with the canvas if it has
// grown since), an inpaint the entry's mask when the canvas still has its size and the current
// mask otherwise. growth is null for an inpaint. Invalid (with *errorMessage) when it cannot run.
OutpaintJob rerunStagedJob(const Document& document, const StagingEntry& entry,
                           QString* errorMessage = nullptr);

// The staging entry for a finished job.
StagingEntry makeStagingEntry(const OutpaintJob& job, const QRect& frame, const QImage& mask,
                              const engine::InpaintResult& result);

} // namespace limner::app
