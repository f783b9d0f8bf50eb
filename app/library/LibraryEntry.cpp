#include "app/library/LibraryEntry.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace limner::app {

QString LibraryEntry::statusText() const {
    return state == State::Ready ? QStringLiteral("ready") : problem;
}

QString LibraryEntry::kindText() const {
    switch (kind) {
    case Kind::DiffusersFolder:
        return QStringLiteral("diffusers folder");
    case Kind::HubCacheRepo:
        return QStringLiteral("hub cache repo");
    case Kind::SingleFile:
        return QStringLiteral("single-file checkpoint");
    case Kind::PickleFile:
        return QStringLiteral("pickle file");
    }
    return {};
}

QString LibraryEntry::pairingKey() const {
    if (kind == Kind::HubCacheRepo && !snapshot.isEmpty()) {
        // <cache>/models--ORG--NAME/snapshots/<commit>
        QDir repo(snapshot);
        if (repo.cdUp() && repo.cdUp())
            return QDir::cleanPath(repo.absolutePath());
    }
    return QDir::cleanPath(QFileInfo(location).absoluteFilePath());
}

QString LibraryEntry::parametersText(qint64 parameters) {
    if (parameters <= 0)
        return QStringLiteral("–");
    const QLocale locale;
    if (parameters >= 1'000'000'000)
        return QStringLiteral("%1 B").arg(locale.toString(parameters / 1e9, 'f', 1));
    if (parameters >= 1'000'000)
        return QStringLiteral("%1 M").arg(locale.toString(parameters / 1e6, 'f', 1));
    if (parameters >= 1'000)
        return QStringLiteral("%1 K").arg(locale.toString(parameters / 1e3, 'f', 1));
    return locale.toString(parameters);
}

QString LibraryEntry::bytesText(qint64 bytes) {
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace limner::app
