#pragma once

#include "app/Settings.h"

#include <QObject>
#include <QString>

class QMenu;
class QWidget;

namespace limner::app {
class Autosave;
class Document;
} // namespace limner::app

namespace limner::ui {

// The File menu's work: open (pictures and .ora projects), save and save as (.ora, atomic, with
// a backup), export (with provenance metadata), recent files, autosave and recovery after a
// crash, and asking before unsaved changes are dropped. A failed open, save or export shows a
// message and changes nothing in the document.
class FileController : public QObject {
    Q_OBJECT
public:
    FileController(app::Document& document, QWidget* dialogParent);
    ~FileController() override;

    bool open(const QString& path); // shows a message and returns false on failure
    void openWithDialog();
    bool save(); // to the document's .ora path, else asks for one
    bool saveAs();
    bool saveTo(const QString& path); // .ora; shows a message and returns false on failure
    bool exportTo(const QString& path, int quality); // quality 0-100 for JPEG and WebP, -1 = default
    void exportWithDialog();
    // Asks (Save, Discard, Cancel) before unsaved changes would be dropped; true when it is fine
    // to go on.
    bool confirmDiscardChanges();
    // After a crash: offers the newest autosave of a session that did not end normally.
    void offerRecovery();

    QMenu* recentFilesMenu() const { return m_recentMenu; }
    QStringList recentFiles() const { return m_settings.recentFiles; }
    app::Autosave* autosave() const { return m_autosave; }

    static QString openFilter();

signals:
    void statusMessage(const QString& text);
    void opened(const QString& path);
    void saved(const QString& path);

private:
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();

    app::Document& m_document;
    QWidget* m_dialogParent;
    QString m_lastFolder;
    app::Settings m_settings;
    app::Autosave* m_autosave;
    QMenu* m_recentMenu;
    // New candidates are saved with the project but are no undo step: they count as unsaved
    // work until the next save (or open) all the same.
    bool m_stagingUnsaved = false;
};

} // namespace limner::ui
