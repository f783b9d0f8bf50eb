#pragma once

#include "app/Layer.h"

#include <QUndoCommand>

namespace limner::app {

class Document;

// Composites the upper layer onto the lower one (each with its own opacity, source-over) and
// removes the upper layer. The result keeps the lower layer's id, name and index, is fully
// opaque as a layer (opacity 1) and covers the union of both layers' rectangles, so the
// flattened picture does not change. Undo restores both layers exactly.
class MergeDownCommand : public QUndoCommand {
public:
    MergeDownCommand(Document& doc, int upperId, int lowerId, const QString& text);

    void redo() override;
    void undo() override;

    static Layer mergedLayer(const Layer& lower, const Layer& upper);

private:
    Document& m_doc;
    int m_upperId;
    int m_lowerId;
    Layer m_upper;
    Layer m_lower;
    int m_upperIndex = -1;
    int m_previousActiveId = -1;
};

} // namespace limner::app
