#include "app/SetLayerOpacityCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

namespace limner::app {

namespace {
constexpr int kSetLayerOpacityCommandId = 0x4c4f50; // any value unique among mergeable commands
}

SetLayerOpacityCommand::SetLayerOpacityCommand(Document& doc, int layerId, qreal opacity,
                                               const QString& text)
    : QUndoCommand(text)
    , m_doc(doc)
    , m_layerId(layerId)
    , m_newOpacity(opacity) {
    if (const Layer* layer = doc.layerById(layerId))
        m_oldOpacity = layer->opacity;
}

void SetLayerOpacityCommand::redo() {
    DocumentCommandAccess::setLayerOpacity(m_doc, m_layerId, m_newOpacity);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void SetLayerOpacityCommand::undo() {
    DocumentCommandAccess::setLayerOpacity(m_doc, m_layerId, m_oldOpacity);
    DocumentCommandAccess::bumpRevision(m_doc);
}

int SetLayerOpacityCommand::id() const {
    return kSetLayerOpacityCommandId;
}

bool SetLayerOpacityCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = static_cast<const SetLayerOpacityCommand*>(other);
    if (next->m_layerId != m_layerId || &next->m_doc != &m_doc)
        return false;
    m_newOpacity = next->m_newOpacity;
    setObsolete(m_newOpacity == m_oldOpacity);
    return true;
}

} // namespace limner::app
