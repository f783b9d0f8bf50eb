#include "app/ReblendCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

#include <utility>

namespace limner::app {

namespace {
constexpr int kReblendCommandId = 0x52424c44; // "RBLD"
}

ReblendCommand::ReblendCommand(Document& doc, Layer before, Layer after)
    : QUndoCommand(QObject::tr("Re-blend \"%1\"").arg(before.name))
    , m_doc(doc)
    , m_before(std::move(before))
    , m_after(std::move(after)) {}

void ReblendCommand::redo() {
    DocumentCommandAccess::replaceLayer(m_doc, m_after);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void ReblendCommand::undo() {
    DocumentCommandAccess::replaceLayer(m_doc, m_before);
    DocumentCommandAccess::bumpRevision(m_doc);
}

int ReblendCommand::id() const {
    return kReblendCommandId;
}

bool ReblendCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = static_cast<const ReblendCommand*>(other);
    if (next->m_after.id != m_after.id)
        return false;
    m_after = next->m_after;
    return true;
}

} // namespace limner::app
