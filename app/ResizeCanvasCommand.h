#pragma once

#include "app/CanvasMargins.h"

#include <QSize>
#include <QUndoCommand>

namespace limner::app {

class Document;

// Grows the canvas by margins: layers move with the old canvas, the new area is transparent
// and unmasked. Undo shrinks it back; by the undo stack's order, everything done on the grown
// canvas has been undone by then, so nothing in the new area is lost.
class ResizeCanvasCommand : public QUndoCommand {
public:
    ResizeCanvasCommand(Document& doc, const CanvasMargins& margins, const QString& text);

    void redo() override;
    void undo() override;

private:
    Document& m_doc;
    CanvasMargins m_margins;
    QSize m_before;
};

} // namespace limner::app
