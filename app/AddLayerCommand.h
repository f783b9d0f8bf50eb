#pragma once

#include "app/Layer.h"

#include <QUndoCommand>

namespace limner::app {

class Document;

// Inserts a layer (whose id is already assigned) at an index and selects it; undo removes it
// and gives the selection back. Also used for duplicates and accepted inpainting candidates.
class AddLayerCommand : public QUndoCommand {
public:
    AddLayerCommand(Document& doc, Layer layer, int index, const QString& text);

    void redo() override;
    void undo() override;

private:
    Document& m_doc;
    Layer m_layer;
    int m_index;
    int m_previousActiveId = -1;
};

} // namespace limner::app
