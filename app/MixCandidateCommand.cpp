#include "app/MixCandidateCommand.h"

#include "app/Document.h"
#include "app/DocumentCommandAccess.h"

#include <utility>

namespace limner::app {

MixCandidateCommand::MixCandidateCommand(Document& doc, Layer before, Layer after, int candidateIndex)
    : QUndoCommand(QObject::tr("Mix in candidate %1").arg(candidateIndex + 1))
    , m_doc(doc)
    , m_before(std::move(before))
    , m_after(std::move(after)) {}

void MixCandidateCommand::redo() {
    DocumentCommandAccess::replaceLayer(m_doc, m_after);
    DocumentCommandAccess::bumpRevision(m_doc);
}

void MixCandidateCommand::undo() {
    DocumentCommandAccess::replaceLayer(m_doc, m_before);
    DocumentCommandAccess::bumpRevision(m_doc);
}

} // namespace limner::app
