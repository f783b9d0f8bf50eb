#include "app/ResizeCanvasCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

namespace limner::app {

ResizeCanvasCommand::ResizeCanvasCommand(Document& doc, const CanvasMargins& margins,
                                         const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_margins(margins)
    , m_before(doc.canvasSize()) {}

void ResizeCanvasCommand::redo() {
    DocumentCommandAccess::resizeCanvas(m_doc, m_margins.grown(m_before), m_margins.shift());
    DocumentCommandAccess::bumpRevision(m_doc);
}

void ResizeCanvasCommand::undo() {
    DocumentCommandAccess::resizeCanvas(m_doc, m_before, -m_margins.shift());
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
