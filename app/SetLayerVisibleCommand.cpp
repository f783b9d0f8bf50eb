#include "app/SetLayerVisibleCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

namespace limner::app {

SetLayerVisibleCommand::SetLayerVisibleCommand(Document& doc, int layerId, bool visible,
                                               const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_layerId(layerId)
    , m_visible(visible) {}

void SetLayerVisibleCommand::redo() {
    DocumentCommandAccess::setLayerVisible(m_doc, m_layerId, m_visible);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void SetLayerVisibleCommand::undo() {
    DocumentCommandAccess::setLayerVisible(m_doc, m_layerId, !m_visible);
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
