#pragma once

#include <QImage>
#include <QString>

namespace limner::app {

class Document;
struct StagingEntry;

// The candidate mixer: a layer accepted from a job whose candidates are still staged can take
// parts of another candidate of the same job, painted in with a soft brush.
//
// The staging entry a generated layer came from, when it is still in the history and its region
// matches the layer; nullptr otherwise (a merged, re-generated or outpaint-grown layer).
const StagingEntry* mixableEntry(const Document& document, int layerId);

// Blends candidate candidateIndex of the layer's job into the layer where weights says, as one
// undo step ("Mix in candidate N"), its tone evened out towards the layer along the stroke's
// soft edge (a seam re-blend, engine/imaging/SeamTone): weights is Grayscale8 of the layer's size (255
// = all of the candidate, 0 = the layer as it is). The layer's GenerationInfo::candidateMap records,
// per pixel, which candidate (1-based) it now mostly shows. Returns false with *errorMessage set, and
// changes nothing, when the layer cannot be mixed, the index is out of range or the weights
// do not fit.
bool mixCandidateIntoLayer(Document& document, int layerId, int candidateIndex, const QImage& weights,
                           QString* errorMessage = nullptr);

} // namespace limner::app
