#include "app/cli/InpaintCommand.h"

#include "app/ApplyCandidate.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "app/ImageIO.h"
#include "app/cli/RunJob.h"
#include "app/project/ImageExporter.h"

#include <QTextStream>
#include <optional>

namespace limner::cli {

namespace {

QString sizeText(const QSize& size) {
    return QStringLiteral("%1×%2").arg(size.width()).arg(size.height());
}

} // namespace

QString InpaintCommand::run(int* exitCode) const {
    using app::EngineClient;
    using app::ImageIO;

    const bool useModel = !model.modelPath.isEmpty();
    const QStringList backends = EngineClient::backendNames();
    if (!useModel && !backends.contains(backend)) {
        return QStringLiteral("unknown backend '%1'; known backends: %2")
            .arg(backend, backends.join(QStringLiteral(", ")));
    }
    const int count = useModel ? model.candidates : 1;
    for (int i = 0; i < count; ++i) {
        if (const QString problem = ImageIO::checkWritable(candidateOutputPath(outputPath, i, count));
            !problem.isEmpty())
            return problem;
    }

    QString error;
    const QImage image = ImageIO::load(imagePath, &error);
    if (image.isNull())
        return error;
    const QImage mask = app::ImageConvert::toMaskImage(ImageIO::load(maskPath, &error));
    if (mask.isNull())
        return error;
    if (mask.size() != image.size()) {
        return QStringLiteral(
                   "mask is %1 but the image is %2; make the mask the same size as the image")
            .arg(sizeText(mask.size()), sizeText(image.size()));
    }

    app::Document document;
    document.reset(image);
    document.setMaskRegion(mask, QStringLiteral("Mask"));
    if (document.maskIsEmpty()) {
        return QStringLiteral("the mask %1 is empty (all black); paint white where the picture should "
                              "be regenerated")
            .arg(maskPath);
    }

    engine::InpaintRequest request = EngineClient::makeRequest(document, prompt, backend, seed, 1);
    request.composite.blendFeather = feather;
    if (useModel) {
        if (const QString problem = model.applyTo(request); !problem.isEmpty())
            return problem;
        request.composite.colorMatch = EngineClient::inpaintColorMatch(request.backend);
    }
    if (colorMatch) {
        request.composite.colorMatch = *colorMatch != engine::imaging::ColorMatchMode::Off;
        if (request.composite.colorMatch)
            request.composite.colorMatchMode = *colorMatch;
    }
    if (const QString problem = EngineClient::validate(request); !problem.isEmpty())
        return problem;
    if (useModel) {
        if (const QString refusal = model.checkPolicy(request, exitCode); !refusal.isEmpty())
            return refusal;
    }

    QString failure;
    const std::optional<engine::InpaintResult> result = runJob(request, &failure);
    if (!result)
        return QStringLiteral("inpainting failed: %1").arg(failure);

    const bool policyOff = model.policy.level == app::ContentPolicy::Level::Off;
    QStringList withheld;
    for (int i = 0; i < static_cast<int>(result->candidates.size()); ++i) {
        const std::string& warning = result->candidates[static_cast<std::size_t>(i)].safetyWarning;
        if (!warning.empty() && !policyOff) {
            withheld << candidateOutputPath(outputPath, i, count);
            continue; // a flagged candidate is never written by accident
        }
        if (!warning.empty())
            QTextStream(stderr) << "limner-cli: warning: " << QString::fromStdString(warning)
                                << Qt::endl;
        app::Document output;
        output.reset(image);
        if (app::applyCandidateAsLayer(output, *result, i, &error) < 0)
            return error;
        // Through the exporter, so the output declares a model's part exactly as the GUI's does.
        if (!app::ImageExporter::exportImage(output, candidateOutputPath(outputPath, i, count),
                                             exportOptions(quality), &error))
            return error;
    }
    if (!withheld.isEmpty()) {
        if (exitCode)
            *exitCode = ModelArguments::kExitRefused;
        return QStringLiteral("the model's safety checker flagged %1 as possibly NSFW: not written "
                              "(with --policy off it is written with a warning)")
            .arg(withheld.join(QStringLiteral(", ")));
    }
    return {};
}

} // namespace limner::cli
