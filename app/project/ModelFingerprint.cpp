#include "app/project/ModelFingerprint.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QStringList>

namespace limner::app {

namespace {

QByteArray fileHash(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return {};
    return hash.result();
}

} // namespace

QString ModelFingerprint::modelPath(const QString& backend) {
    return backend.startsWith(QLatin1String("model:")) ? backend.mid(6) : backend;
}

QString ModelFingerprint::modelName(const QString& backend) {
    const QString path = modelPath(backend);
    const QFileInfo info(path);
    return info.fileName().isEmpty() ? path : info.fileName();
}

QString ModelFingerprint::weightsHash(const QString& backend) {
    const QString path = modelPath(backend);
    const QFileInfo root(path);
    if (!root.exists())
        return {};
    QStringList files;
    if (root.isFile()) {
        files << root.absoluteFilePath();
    } else {
        QDirIterator it(root.absoluteFilePath(), {QStringLiteral("*.safetensors")}, QDir::Files,
                        QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
        while (it.hasNext())
            files << it.next();
        files.sort();
    }
    if (files.isEmpty())
        return {};
    QString key;
    for (const QString& f : files) {
        const QFileInfo info(f);
        key += f + QLatin1Char('|') + QString::number(info.size()) + QLatin1Char('|') +
               QString::number(info.lastModified().toMSecsSinceEpoch()) + QLatin1Char('\n');
    }
    static QMutex mutex;
    static QHash<QString, QString> cache;
    {
        QMutexLocker lock(&mutex);
        if (const auto it = cache.constFind(key); it != cache.constEnd())
            return *it;
    }
    QCryptographicHash all(QCryptographicHash::Sha256);
    const QDir base(root.isFile() ? root.absolutePath() : root.absoluteFilePath());
    for (const QString& f : files) {
        const QByteArray one = fileHash(f);
        if (one.isEmpty())
            return {};
        all.addData(base.relativeFilePath(f).toUtf8());
        all.addData(one);
    }
    const QString hex = QString::fromLatin1(all.result().toHex());
    QMutexLocker lock(&mutex);
    cache.insert(key, hex);
    return hex;
}

} // namespace limner::app
