#pragma once

#include <QUndoCommand>

namespace limner::app {

class Document;

// Moves a layer to a new index in the stack (0 = bottom); undo moves it back.
class MoveLayerCommand : public QUndoCommand {
public:
    MoveLayerCommand(Document& doc, int layerId, int newIndex, const QString& text);

    void redo() override;
    void undo() override;

private:
    Document& m_doc;
    int m_layerId;
    int m_newIndex;
    int m_oldIndex = -1;
};

} // namespace limner::app
