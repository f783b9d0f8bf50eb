#include "app/project/Autosave.h"

#include "app/Document.h"
#include "app/project/ProjectFile.h"
#include "app/project/ProjectSnapshot.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUndoStack>
#include <QUuid>
#include <algorithm>
#include <memory>

namespace limner::app {

namespace {

QString sessionFile(const QString& folder, const QString& session, const char* suffix) {
    return QDir(folder).filePath(session + QLatin1String(suffix));
}

} // namespace

Autosave::Autosave(Document& document, const QString& recoveryFolder, QObject* parent)
    : QObject(parent)
    , m_document(document)
    , m_folder(recoveryFolder) {
    const QString session = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_projectPath = sessionFile(m_folder, session, ".ora");
    m_infoPath = sessionFile(m_folder, session, ".json");
    QDir().mkpath(m_folder);
    m_lock = std::make_unique<QLockFile>(sessionFile(m_folder, session, ".lock"));
    m_lock->setStaleLockTime(0); // only a dead owner makes a lock stale, never its age
    m_lock->tryLock(0);
    m_timer.setInterval(std::chrono::seconds(kDefaultIntervalSeconds));
    connect(&m_timer, &QTimer::timeout, this, &Autosave::autosaveNow);
    m_timer.start();
    // New candidates are no undo step, yet losing them to a crash loses work.
    connect(&m_document, &Document::stagingChanged, this, [this] { m_stagingChanged = true; });
}

Autosave::~Autosave() {
    joinWorker();
    discard();
}

QString Autosave::defaultRecoveryFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("recovery"));
}

void Autosave::setInterval(std::chrono::milliseconds interval) {
    if (interval.count() <= 0) {
        m_timer.stop();
        return;
    }
    m_timer.setInterval(interval);
    m_timer.start();
}

std::chrono::milliseconds Autosave::interval() const {
    return m_timer.isActive() ? m_timer.intervalAsDuration() : std::chrono::milliseconds(0);
}

bool Autosave::autosaveNow() {
    if (m_writing || m_document.canvasSize().isEmpty())
        return false;
    const quint64 revision = m_document.revision();
    const bool layersChanged =
        !m_document.undoStack()->isClean() && !(m_hasSaved && revision == m_savedRevision);
    if (!layersChanged && !m_stagingChanged)
        return false;
    joinWorker();
    m_writing = true;
    m_stagingChanged = false;
    // Moved into the worker: the staging history's pixels are copied once, here, not twice.
    auto snapshot = std::make_shared<const ProjectSnapshot>(ProjectSnapshot::fromDocument(m_document));
    const QString projectPath = m_projectPath;
    const QString infoPath = m_infoPath;
    const QString originalPath = m_document.filePath();
    m_worker = std::thread([this, snapshot, projectPath, infoPath, originalPath, revision] {
        QString error;
        bool ok = ProjectFile::writeSnapshot(*snapshot, projectPath, ProjectFile::Backup::None,
                                             OraWriter::PngSpeed::Fast, &error);
        if (ok) {
            const QJsonObject info{{QStringLiteral("originalPath"), originalPath},
                                   {QStringLiteral("savedAt"),
                                    QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                                   {QStringLiteral("revision"), QString::number(revision)}};
            QSaveFile file(infoPath);
            ok = file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(info).toJson()) > 0 &&
                 file.commit();
            if (!ok)
                error = QStringLiteral("cannot write %1: %2").arg(infoPath, file.errorString());
        }
        // Queued to the GUI thread; dropped by Qt if this object is gone by then.
        QMetaObject::invokeMethod(
            this, [this, ok, error, revision] { finishWrite(ok, error, revision); },
            Qt::QueuedConnection);
    });
    return true;
}

void Autosave::finishWrite(bool ok, const QString& error, quint64 revision) {
    joinWorker();
    m_writing = false;
    if (!ok) {
        emit failed(QStringLiteral("Autosave failed: %1").arg(error));
        return;
    }
    m_hasSaved = true;
    m_savedRevision = revision;
    emit autosaved(m_projectPath, revision);
}

void Autosave::joinWorker() {
    if (m_worker.joinable())
        m_worker.join();
}

void Autosave::discard() {
    if (m_writing) {
        joinWorker();
        m_writing = false;
    }
    QFile::remove(m_projectPath);
    QFile::remove(m_infoPath);
    m_hasSaved = false;
    m_stagingChanged = false;
}

QList<Autosave::Recoverable> Autosave::findRecoverable(const QString& folder) {
    QList<Recoverable> found;
    const QDir dir(folder);
    for (const QFileInfo& project : dir.entryInfoList({QStringLiteral("*.ora")}, QDir::Files)) {
        const QString session = project.completeBaseName();
        QLockFile lock(sessionFile(folder, session, ".lock"));
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0))
            continue; // its session is still running
        lock.unlock();
        QFile infoFile(sessionFile(folder, session, ".json"));
        QJsonObject info;
        if (infoFile.open(QIODevice::ReadOnly))
            info = QJsonDocument::fromJson(infoFile.read(1 << 16)).object();
        Recoverable r;
        r.projectPath = project.filePath();
        r.originalPath = info.value(QStringLiteral("originalPath")).toString();
        r.savedAt =
            QDateTime::fromString(info.value(QStringLiteral("savedAt")).toString(), Qt::ISODateWithMs);
        if (!r.savedAt.isValid())
            r.savedAt = project.lastModified();
        found << r;
    }
    std::sort(found.begin(), found.end(),
              [](const Recoverable& a, const Recoverable& b) { return a.savedAt > b.savedAt; });
    return found;
}

void Autosave::remove(const Recoverable& recoverable) {
    const QFileInfo project(recoverable.projectPath);
    const QString session = project.completeBaseName();
    QFile::remove(recoverable.projectPath);
    QFile::remove(sessionFile(project.absolutePath(), session, ".json"));
    QFile::remove(sessionFile(project.absolutePath(), session, ".lock"));
}

} // namespace limner::app
