#pragma once

#include "engine/service/InpaintRequest.h"

#include <QString>

namespace limner::app {

class Document;

// Adds one candidate of a finished job to the document as a new layer, one undo step: named
// after the prompt (or the backend's label when there is none), alpha = the blend mask, placed
// at the result's region, directly above the layer the request targeted (on top if that layer
// is gone), and selected.
//
// Returns the new layer's id, or -1 with *errorMessage set when the candidate index is out of
// range or the result no longer fits the canvas (it was resized since the request); the
// document is then unchanged. Whether a result is stale (result.documentRevision) is the
// caller's decision: an older mask or selection does not make the pixels wrong.
//
// With MaskAfterAccept::Clear the mask is cleared in the same undo step (what the editor does:
// the mask overlay would otherwise hide the result that was just accepted). stagingEntryId:
// the staging entry holding the same result (its candidates can then be mixed into the layer,
// CandidateMixer); 0 when none.
enum class MaskAfterAccept { Keep, Clear };
int applyCandidateAsLayer(Document& document, const engine::InpaintResult& result, int candidateIndex,
                          QString* errorMessage = nullptr, MaskAfterAccept mask = MaskAfterAccept::Keep,
                          int stagingEntryId = 0);

} // namespace limner::app
