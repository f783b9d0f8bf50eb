#include "app/RemoveLayerCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

namespace limner::app {

RemoveLayerCommand::RemoveLayerCommand(Document& doc, int layerId, const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_layerId(layerId) {}

void RemoveLayerCommand::redo() {
    m_previousActiveId = m_doc.activeLayerId();
    m_index = m_doc.indexOfLayer(m_layerId);
    m_removed = DocumentCommandAccess::takeLayer(m_doc, m_layerId);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void RemoveLayerCommand::undo() {
    DocumentCommandAccess::insertLayer(m_doc, m_removed, m_index);
    DocumentCommandAccess::setActiveLayer(m_doc, m_previousActiveId);
    m_removed = Layer();
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
