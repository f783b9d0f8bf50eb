#pragma once

#include "app/Layer.h"

#include <QUndoCommand>

namespace limner::app {

class Document;

// Replaces a generated layer's pixels and blend settings with a re-blended version; undo puts
// the previous ones back. The layer keeps its id, place, name and generated pixels. Consecutive
// re-blends of one layer merge into one step, so dragging a slider is one undo step.
class ReblendCommand : public QUndoCommand {
public:
    ReblendCommand(Document& doc, Layer before, Layer after);

    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document& m_doc;
    Layer m_before;
    Layer m_after;
};

} // namespace limner::app
