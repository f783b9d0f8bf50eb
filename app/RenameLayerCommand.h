#pragma once

#include <QString>
#include <QUndoCommand>

namespace limner::app {

class Document;

class RenameLayerCommand : public QUndoCommand {
public:
    RenameLayerCommand(Document& doc, int layerId, const QString& newName, const QString& text);

    void redo() override;
    void undo() override;

private:
    Document& m_doc;
    int m_layerId;
    QString m_newName;
    QString m_oldName;
};

} // namespace limner::app
