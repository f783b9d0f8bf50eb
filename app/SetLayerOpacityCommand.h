#pragma once

#include <QUndoCommand>

namespace limner::app {

class Document;

// Changes one layer's opacity. Consecutive changes of the same layer (a slider being dragged)
// merge into one undo step, and a drag that ends where it started leaves no step at all.
class SetLayerOpacityCommand : public QUndoCommand {
public:
    SetLayerOpacityCommand(Document& doc, int layerId, qreal opacity, const QString& text);

    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand* other) override;

private:
    Document& m_doc;
    int m_layerId;
    qreal m_newOpacity;
    qreal m_oldOpacity = 1.0;
};

} // namespace limner::app
