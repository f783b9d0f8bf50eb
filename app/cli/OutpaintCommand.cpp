#include "app/cli/OutpaintCommand.h"

#include "app/ApplyOutpaint.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageIO.h"
#include "app/OutpaintJob.h"
#include "app/cli/RunJob.h"
#include "app/project/ImageExporter.h"

#include <QDir>
#include <QFileInfo>
#include <optional>

namespace limner::cli {

QString OutpaintCommand::run(int* exitCode) const {
    using app::EngineClient;
    using app::ImageIO;

    QString chosen = backend;
    if (!model.modelPath.isEmpty()) {
        QString error;
        chosen = model.addModel(&error);
        if (chosen.isEmpty())
            return error;
    }
    const QStringList backends = EngineClient::backendNames();
    if (!backends.contains(chosen)) {
        return QStringLiteral("unknown backend '%1'; known backends: %2")
            .arg(backend, backends.join(QStringLiteral(", ")));
    }
    if (margins.isNull())
        return QStringLiteral("nothing to extend: give at least one of --left, --right, --top, "
                              "--bottom a number of pixels above 0");
    if (const QString problem = ImageIO::checkWritable(outputPath); !problem.isEmpty())
        return problem;

    QString error;
    const QImage image = ImageIO::load(imagePath, &error);
    if (image.isNull())
        return error;

    app::Document document;
    document.reset(image);
    app::OutpaintOptions options;
    options.backend = chosen;
    options.prompt = prompt;
    options.seed = seed;
    options.seedMethod = seedMethod;
    options.composite.blendFeather = feather;
    options.composite.colorMatch = colorMatch != engine::imaging::ColorMatchMode::Off;
    if (options.composite.colorMatch)
        options.composite.colorMatchMode = colorMatch;
    options.composite.poisson = poisson;
    QSize frame = frameSize;
    if (frame.isEmpty())
        frame = EngineClient::backendNativeSize(chosen);
    if (frame.isEmpty())
        frame = margins.grown(image.size());
    const app::OutpaintJob job =
        app::OutpaintJob::forMargins(document, margins, frame, options, &error);
    if (!job.isValid())
        return error;
    engine::InpaintRequest request = job.request;
    if (!model.modelPath.isEmpty()) {
        if (const QString problem = model.applyTo(request); !problem.isEmpty())
            return problem;
        request.candidates = 1; // one picture out: the first candidate is the one kept
    }
    if (const QString problem = EngineClient::validate(request); !problem.isEmpty())
        return problem;
    if (!model.modelPath.isEmpty()) {
        if (const QString refusal = model.checkPolicy(request, exitCode); !refusal.isEmpty())
            return refusal;
    }

    QString failure;
    const std::optional<engine::InpaintResult> result = runJob(request, &failure);
    if (!result)
        return QStringLiteral("outpainting failed: %1").arg(failure);

    if (app::applyOutpaintCandidate(document, job.growth, job.sourceCanvas, *result, 0, &error) < 0)
        return error;
    // The same exporter as the editor's, so the output says how it was made (provenance XMP).
    if (!app::ImageExporter::exportImage(document, outputPath, exportOptions(quality), &error))
        return error;
    return {};
}

} // namespace limner::cli
