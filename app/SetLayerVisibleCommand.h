#pragma once

#include <QUndoCommand>

namespace limner::app {

class Document;

class SetLayerVisibleCommand : public QUndoCommand {
public:
    SetLayerVisibleCommand(Document& doc, int layerId, bool visible, const QString& text);

    void redo() override;
    void undo() override;

private:
    Document& m_doc;
    int m_layerId;
    bool m_visible;
};

} // namespace limner::app
