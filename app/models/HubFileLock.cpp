#include "app/models/HubFileLock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace limner::app {

HubFileLock::HubFileLock(QString path)
    : m_path(std::move(path)) {}

HubFileLock::~HubFileLock() {
    unlock();
}

bool HubFileLock::tryLock(QString& error) {
    error.clear();
    if (m_locked)
        return true;
    if (!QDir().mkpath(QFileInfo(m_path).absolutePath())) {
        error = QStringLiteral("cannot create the folder of the lock %1").arg(m_path);
        return false;
    }
#ifdef Q_OS_UNIX
    const QByteArray native = QFile::encodeName(m_path);
    m_fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0664);
    if (m_fd < 0) {
        error = QStringLiteral("cannot open the lock %1: %2")
                    .arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    ::fchmod(m_fd, 0664); // as py-filelock: group members share the cache
    int result;
    do {
        result = ::flock(m_fd, LOCK_EX | LOCK_NB);
    } while (result != 0 && errno == EINTR);
    if (result == 0 || errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOSYS) {
        m_locked = true;
        return true;
    }
    ::close(m_fd);
    m_fd = -1;
    return false;
#else
    m_lockFile = std::make_unique<QLockFile>(m_path);
    m_lockFile->setStaleLockTime(0);
    if (m_lockFile->tryLock(0)) {
        m_locked = true;
        return true;
    }
    m_lockFile.reset();
    return false;
#endif
}

void HubFileLock::unlock() {
#ifdef Q_OS_UNIX
    if (m_fd >= 0) {
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
        m_fd = -1;
    }
#endif
    m_lockFile.reset();
    m_locked = false;
}

} // namespace limner::app
