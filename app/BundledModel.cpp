#include "app/BundledModel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace limner::app {

namespace {

bool isModelFolder(const QString& folder) {
    return !folder.isEmpty() &&
           QFileInfo(QDir(folder).filePath(QStringLiteral("model_index.json"))).isFile();
}

} // namespace

QString bundledModelFolder() {
    const QString fromEnvironment = qEnvironmentVariable("LIMNER_BUNDLED_MODEL");
    if (!fromEnvironment.isEmpty())
        return isModelFolder(fromEnvironment) ? QDir(fromEnvironment).absolutePath() : QString();
    const QString installed = QDir(QCoreApplication::applicationDirPath())
                                  .filePath(QStringLiteral("../share/limner/models/limner-mini"));
    if (isModelFolder(installed))
        return QDir(installed).absolutePath();
#ifdef LIMNER_SOURCE_DIR
    const QString source = QStringLiteral(LIMNER_SOURCE_DIR "/resources/models/limner-mini");
    if (isModelFolder(source))
        return QDir(source).absolutePath();
#endif
    return {};
}

} // namespace limner::app
