#include "app/RenameLayerCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

namespace limner::app {

RenameLayerCommand::RenameLayerCommand(Document& doc, int layerId, const QString& newName,
                                       const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_layerId(layerId)
    , m_newName(newName) {}

void RenameLayerCommand::redo() {
    if (const Layer* layer = m_doc.layerById(m_layerId))
        m_oldName = layer->name;
    DocumentCommandAccess::setLayerName(m_doc, m_layerId, m_newName);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void RenameLayerCommand::undo() {
    DocumentCommandAccess::setLayerName(m_doc, m_layerId, m_oldName);
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
