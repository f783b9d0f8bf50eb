#pragma once

#include "app/CanvasMargins.h"
#include "engine/service/InpaintRequest.h"

#include <QSize>
#include <QString>

namespace limner::app {

class Document;

// Accepts one candidate of an outpaint (OutpaintJob) as a layer: the canvas grows by growth and
// the candidate is added, one undo step together ("Outpaint"), with the mask cleared. When the
// canvas has already grown to the result's size (another candidate of the same job was accepted
// before), only the layer is added. Returns the new layer's id, or -1 with *errorMessage set and
// the document unchanged when the canvas is neither sourceCanvas nor the grown size.
int applyOutpaintCandidate(Document& document, const CanvasMargins& growth, const QSize& sourceCanvas,
                           const engine::InpaintResult& result, int candidateIndex,
                           QString* errorMessage = nullptr);

} // namespace limner::app
