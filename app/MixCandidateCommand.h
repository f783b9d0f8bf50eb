#pragma once

#include "app/Layer.h"

#include <QUndoCommand>

namespace limner::app {

class Document;

// One stroke of the candidate mixer: the layer's pixels and candidate map before and after.
// Each stroke is its own undo step (no merging: a painter undoes strokes one by one).
class MixCandidateCommand : public QUndoCommand {
public:
    MixCandidateCommand(Document& doc, Layer before, Layer after, int candidateIndex);

    void redo() override;
    void undo() override;

private:
    Document& m_doc;
    Layer m_before;
    Layer m_after;
};

} // namespace limner::app
