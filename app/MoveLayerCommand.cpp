#include "app/MoveLayerCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

namespace limner::app {

MoveLayerCommand::MoveLayerCommand(Document& doc, int layerId, int newIndex, const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_layerId(layerId)
    , m_newIndex(newIndex) {}

void MoveLayerCommand::redo() {
    m_oldIndex = m_doc.indexOfLayer(m_layerId);
    DocumentCommandAccess::moveLayer(m_doc, m_layerId, m_newIndex);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void MoveLayerCommand::undo() {
    DocumentCommandAccess::moveLayer(m_doc, m_layerId, m_oldIndex);
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
