#include "app/ApplyOutpaint.h"

#include "app/ApplyCandidate.h"
#include "app/Document.h"
#include "app/ResizeCanvasCommand.h"

#include <QUndoStack>

namespace limner::app {

int applyOutpaintCandidate(Document& document, const CanvasMargins& growth, const QSize& sourceCanvas,
                           const engine::InpaintResult& result, int candidateIndex,
                           QString* errorMessage) {
    const QSize grown = growth.grown(sourceCanvas);
    const bool mustGrow = !growth.isNull() && document.canvasSize() == sourceCanvas;
    if (!mustGrow && document.canvasSize() != grown) {
        if (errorMessage)
            *errorMessage = QObject::tr("this outpaint was made for a %1×%2 picture but the canvas is "
                                        "now %3×%4; generate again")
                                .arg(sourceCanvas.width())
                                .arg(sourceCanvas.height())
                                .arg(document.canvasSize().width())
                                .arg(document.canvasSize().height());
        return -1;
    }
    const QRect region(result.region.x, result.region.y, result.region.width, result.region.height);
    // Checked before growing, so a bad result never leaves a grown canvas behind.
    if (candidateIndex < 0 || candidateIndex >= static_cast<int>(result.candidates.size()) ||
        region.isEmpty() || !QRect(QPoint(0, 0), grown).contains(region))
        return applyCandidateAsLayer(document, result, candidateIndex, errorMessage);
    QUndoStack* stack = document.undoStack();
    stack->beginMacro(QObject::tr("Outpaint"));
    if (mustGrow)
        stack->push(new ResizeCanvasCommand(document, growth, QObject::tr("Grow Canvas")));
    const int id =
        applyCandidateAsLayer(document, result, candidateIndex, errorMessage, MaskAfterAccept::Clear);
    stack->endMacro();
    return id;
}

} // namespace limner::app
