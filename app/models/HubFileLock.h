#pragma once

#include <QString>
#include <memory>

class QLockFile;

namespace limner::app {

// The lock huggingface_hub takes while it writes a blob: <cache>/.locks/models--ORG--NAME/<etag>.lock.
// py-filelock locks that file with flock(2) on POSIX, so this does the same: a Python tool and
// Limner never write one blob at once, and the lock goes with the process that held it (no stale
// lock after a crash). The file is created with mode 0664 and left in place, as py-filelock does.
// Where the file system has no flock (some network mounts) the lock is not taken and the caller
// proceeds, as huggingface_hub's soft-lock fallback would after a crash. Elsewhere than POSIX,
// QLockFile.
//
// Requirements: one object per lock attempt, used from one thread.
class HubFileLock {
public:
    explicit HubFileLock(QString path);
    ~HubFileLock();
    HubFileLock(const HubFileLock&) = delete;
    HubFileLock& operator=(const HubFileLock&) = delete;

    // Takes the lock if nobody holds it; never waits. False with error empty when another
    // process (or another HubFileLock) holds it, false with error set when the file cannot be
    // opened.
    bool tryLock(QString& error);
    void unlock();
    bool isLocked() const { return m_locked; }
    const QString& path() const { return m_path; }

private:
    QString m_path;
    int m_fd = -1;
    bool m_locked = false;
    std::unique_ptr<QLockFile> m_lockFile;
};

} // namespace limner::app
