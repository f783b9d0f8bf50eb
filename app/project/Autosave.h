#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <chrono>
#include <memory>
#include <thread>

class QLockFile;

namespace limner::app {

class Document;

// Autosave and crash recovery. While the document has unsaved changes (edits, or candidates
// added to its staging history since the last save), a copy is written every
// interval into a recovery folder under the application's data location (never the user's
// file, never the system temp folder): "<session>.ora" plus "<session>.json" (the document's
// own path and the time). A lock file held for the session's lifetime tells a running session
// from one that crashed; the next start finds the crashed sessions with findRecoverable().
//
// Requirements: created and used on the GUI thread, which runs an event loop.
// Guarantees: the GUI thread only takes a snapshot (shared layer QImages; the staging history's
//   pixels are copied once, as engine::Image does not share); encoding and
//   writing run on a worker thread, one at a time, atomically (a crash mid-write leaves the
//   previous autosave). The recovery files are removed when the session ends normally or
//   discard() is called (after an explicit save, or when changes are thrown away).
class Autosave : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalSeconds = 120;

    Autosave(Document& document, const QString& recoveryFolder = defaultRecoveryFolder(),
             QObject* parent = nullptr);
    ~Autosave() override;

    static QString defaultRecoveryFolder(); // <AppDataLocation>/recovery

    void setInterval(std::chrono::milliseconds interval); // 0 = off
    std::chrono::milliseconds interval() const;
    // Starts a background write now if there are changes not yet autosaved; false otherwise.
    bool autosaveNow();
    void discard();
    QString recoveryPath() const { return m_projectPath; }
    bool isWriting() const { return m_writing; }

    struct Recoverable {
        QString projectPath;  // the autosaved .ora in the recovery folder
        QString originalPath; // where the document was saved, empty for an untitled one
        QDateTime savedAt;
    };
    // Sessions in folder whose process is gone, newest first.
    static QList<Recoverable> findRecoverable(const QString& folder = defaultRecoveryFolder());
    // Removes a recoverable session's files (after it was recovered or declined).
    static void remove(const Recoverable& recoverable);

signals:
    void autosaved(const QString& path, quint64 revision);
    void failed(const QString& message);

private:
    void finishWrite(bool ok, const QString& error, quint64 revision);
    void joinWorker();

    Document& m_document;
    QString m_folder;
    QString m_projectPath;
    QString m_infoPath;
    std::unique_ptr<QLockFile> m_lock;
    QTimer m_timer;
    std::thread m_worker;
    bool m_writing = false;
    quint64 m_savedRevision = 0;
    bool m_hasSaved = false;
    bool m_stagingChanged = false; // since the last autosave, save or discard
};

} // namespace limner::app
