#include "app/cli/FlattenCommand.h"

#include "app/ImageIO.h"
#include "app/cli/ModelOptions.h"
#include "app/project/ImageExporter.h"
#include "app/project/ProjectFile.h"
#include "app/project/ProjectSnapshot.h"

namespace limner::cli {

QString FlattenCommand::run() const {
    if (const QString problem = app::ImageIO::checkWritable(outputPath); !problem.isEmpty())
        return problem;
    if (!app::ProjectFile::isProjectPath(projectPath))
        return QStringLiteral("%1 is not a project; flatten reads OpenRaster (.ora) files")
            .arg(projectPath);
    QString error;
    const std::optional<app::ProjectSnapshot> snapshot =
        app::ProjectFile::readSnapshot(projectPath, app::OraReader::Limits(), &error);
    if (!snapshot)
        return error;
    app::ImageExporter::Options options = exportOptions(quality);
    options.generationParameters = generationParameters;
    if (!app::ImageExporter::exportImage(*snapshot, outputPath, options, &error))
        return error;
    return {};
}

} // namespace limner::cli
