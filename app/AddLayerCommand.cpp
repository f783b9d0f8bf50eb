#include "app/AddLayerCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

#include <utility>

namespace limner::app {

AddLayerCommand::AddLayerCommand(Document& doc, Layer layer, int index, const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_layer(std::move(layer))
    , m_index(index) {}

void AddLayerCommand::redo() {
    m_previousActiveId = m_doc.activeLayerId();
    DocumentCommandAccess::insertLayer(m_doc, m_layer, m_index);
    DocumentCommandAccess::setActiveLayer(m_doc, m_layer.id);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void AddLayerCommand::undo() {
    // Keep the pixels as they are now: nothing else may change the layer while it is on top of
    // this command in the undo stack, so this equals what redo() inserted.
    m_layer = DocumentCommandAccess::takeLayer(m_doc, m_layer.id);
    if (m_doc.layerById(m_previousActiveId))
        DocumentCommandAccess::setActiveLayer(m_doc, m_previousActiveId);
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
