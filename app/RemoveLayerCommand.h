#pragma once

#include "app/Layer.h"

#include <QUndoCommand>

namespace limner::app {

class Document;

// Removes a layer; undo puts it back at the same index with the same id and selection.
class RemoveLayerCommand : public QUndoCommand {
public:
    RemoveLayerCommand(Document& doc, int layerId, const QString& text);

    void redo() override;
    void undo() override;

private:
    Document& m_doc;
    int m_layerId;
    Layer m_removed;
    int m_index = -1;
    int m_previousActiveId = -1;
};

} // namespace limner::app
