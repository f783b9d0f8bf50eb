#pragma once

#include <QObject>
#include <QString>

class QWidget;

namespace limner::app {
class Document;
}

namespace limner::ui {

// File ▸ Open and File ▸ Export: dialogs, the decode limit, and messages for what went wrong.
// A failed open or export changes nothing in the document.
class FileController : public QObject {
    Q_OBJECT
public:
    FileController(app::Document& document, QWidget* dialogParent);

    bool open(const QString& path); // shows a message and returns false on failure
    void openWithDialog();
    bool exportTo(const QString& path, int quality); // quality 0-100 for JPEG and WebP, -1 = default
    void exportWithDialog();
    // Asks before unsaved changes would be dropped; true when it is fine to go on.
    bool confirmDiscardChanges();

    static QString openFilter();

signals:
    void statusMessage(const QString& text);
    void opened(const QString& path);

private:
    app::Document& m_document;
    QWidget* m_dialogParent;
    QString m_lastFolder;
};

} // namespace limner::ui
