#include "app/cli/ModelOptions.h"

#include "app/ImageConvert.h"
#include "app/ImageIO.h"
#include "app/Settings.h"
#include "app/cli/ModelsCommand.h"
#include "app/library/CheckpointClassifier.h"
#include "app/library/LibraryEntry.h"
#include "app/library/ModelLibrary.h"
#include "app/policy/GenerationGuard.h"
#include "engine/imaging/FaceDetector.h"
#include "engine/service/Engine.h"

#include <QDir>
#include <QFileInfo>

namespace limner::cli {

namespace {

bool readNumber(const QCommandLineParser& parser, const QCommandLineOption& option, double low,
                double high, double& out, QString& error) {
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const double value = parser.value(option).toDouble(&ok);
    if (!ok || !(value >= low && value <= high)) {
        error = QStringLiteral("--%1 must be a number from %2 to %3, not '%4'")
                    .arg(option.names().first())
                    .arg(low)
                    .arg(high)
                    .arg(parser.value(option));
        return false;
    }
    out = value;
    return true;
}

bool readInteger(const QCommandLineParser& parser, const QCommandLineOption& option, int low, int high,
                 int& out, QString& error) {
    if (!parser.isSet(option))
        return true;
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < low || value > high) {
        error = QStringLiteral("--%1 must be a whole number from %2 to %3, not '%4'")
                    .arg(option.names().first())
                    .arg(low)
                    .arg(high)
                    .arg(parser.value(option));
        return false;
    }
    out = value;
    return true;
}

} // namespace

void ModelOptions::addTo(QCommandLineParser& parser) {
    parser.addOptions({model, negative, imagePrompt, steps, guidance, scheduler, strength, soft,
                       softCurve, candidates, device, dtype, policy, confirm});
}

QString ModelOptions::read(const QCommandLineParser& parser, ModelArguments& out,
                           const QString& defaultModel) const {
    ModelArguments a;
    a.modelPath = parser.isSet(model) ? parser.value(model) : defaultModel;
    const bool needsModel = parser.isSet(negative) || parser.isSet(imagePrompt) ||
                            parser.isSet(steps) || parser.isSet(guidance) || parser.isSet(scheduler) ||
                            parser.isSet(strength) || parser.isSet(soft) || parser.isSet(softCurve) ||
                            parser.isSet(device) || parser.isSet(dtype);
    if (needsModel && a.modelPath.isEmpty())
        return QStringLiteral("--negative, --image-prompt, --steps, --guidance, --scheduler, "
                              "--strength, --soft, --soft-curve, --device and --dtype need --model");
    if (parser.isSet(softCurve) && !parser.isSet(soft))
        return QStringLiteral("--soft-curve needs --soft");
    a.settings.softMask = parser.isSet(soft);
    a.negativePrompt = parser.value(negative);
    for (const QString& value : parser.values(imagePrompt)) {
        ModelArguments::Reference reference;
        reference.path = value;
        // "ref.png:0.5" — a trailing ":number" is a weight, anything else is part of the path.
        const int colon = value.lastIndexOf(QLatin1Char(':'));
        if (colon > 0) {
            bool ok = false;
            const double weight = value.mid(colon + 1).toDouble(&ok);
            if (ok) {
                if (!(weight >= 0 && weight <= 10))
                    return QStringLiteral("--image-prompt weight must be from 0 to 10, not '%1'")
                        .arg(value.mid(colon + 1));
                reference.path = value.left(colon);
                reference.weight = weight;
            }
        }
        a.imagePrompts.push_back(reference);
    }
    QString error;
    if (!readInteger(parser, steps, 1, 1000, a.settings.steps, error) ||
        !readNumber(parser, guidance, 0, 100, a.settings.guidanceScale, error) ||
        !readNumber(parser, strength, 0.01, 1, a.settings.strength, error) ||
        !readNumber(parser, softCurve, 0.1, 10, a.settings.softCurve, error) ||
        !readInteger(parser, candidates, 1, 16, a.candidates, error))
        return error;
    if (parser.isSet(scheduler)) {
        static const QStringList known{QStringLiteral("ddpm"),
                                       QStringLiteral("ddim"),
                                       QStringLiteral("pndm"),
                                       QStringLiteral("euler"),
                                       QStringLiteral("euler-ancestral"),
                                       QStringLiteral("dpm++2m"),
                                       QStringLiteral("dpm++2m-karras"),
                                       QStringLiteral("unipc")};
        if (!known.contains(parser.value(scheduler)))
            return QStringLiteral("--scheduler must be one of %1, not '%2'")
                .arg(known.join(QStringLiteral(", ")), parser.value(scheduler));
        a.settings.scheduler = parser.value(scheduler).toStdString();
    }
    if (parser.isSet(device)) {
        const QString d = parser.value(device);
        if (d != QLatin1String("auto") && d != QLatin1String("cpu") && d != QLatin1String("cuda"))
            return QStringLiteral("--device must be auto, cpu or cuda, not '%1'").arg(d);
        a.settings.device = d.toStdString();
    }
    if (parser.isSet(dtype)) {
        const QString t = parser.value(dtype);
        if (t != QLatin1String("auto") && t != QLatin1String("float32") &&
            t != QLatin1String("float16") && t != QLatin1String("bfloat16"))
            return QStringLiteral("--dtype must be auto, float32, float16 or bfloat16, not '%1'")
                .arg(t);
        a.settings.dtype = t.toStdString();
    }
    a.policy = app::ContentPolicy::fromSettings(
        app::Settings::load(QStringLiteral("Limner"), QStringLiteral("Limner")));
    if (parser.isSet(policy) &&
        !app::ContentPolicy::levelFromName(parser.value(policy), &a.policy.level))
        return QStringLiteral("--policy must be off, standard or strict, not '%1'")
            .arg(parser.value(policy));
    a.confirmRisk = parser.isSet(confirm);
    out = std::move(a);
    return {};
}

QString ModelArguments::checkPolicy(engine::InpaintRequest& request, int* exitCode) const {
    const engine::imaging::FaceDetector detector = engine::imaging::FaceDetector::fromSystem();
    const app::GenerationVerdict verdict =
        app::GenerationGuard::check(request, policy, true, &detector);
    switch (verdict.outcome) {
    case app::GenerationVerdict::Outcome::Allow:
        return {};
    case app::GenerationVerdict::Outcome::Refuse:
        if (exitCode)
            *exitCode = kExitRefused;
        return verdict.message;
    case app::GenerationVerdict::Outcome::Confirm:
        break;
    }
    if (confirmRisk) {
        request.consentNote = app::GenerationGuard::consentNote(verdict).toStdString();
        return {};
    }
    if (exitCode)
        *exitCode = kExitNeedsConfirm;
    return QStringLiteral("%1; to go on anyway, give --confirm (the answer is recorded with the "
                          "layer)")
        .arg(verdict.message);
}

QString ModelArguments::addModel(QString* error) const {
    // A folder as given; anything else as the library finds it: a model file, a repo id in the
    // hub cache, a name `limner-cli models list` shows. A Kandinsky decoder runs with the prior
    // the library pairs it with (the one chosen in the editor, or the one its card names).
    app::LibraryEntry entry;
    const bool isFolder = QFileInfo(modelPath).isDir();
    const app::ModelLibrary library = editorLibrary();
    const bool found = isFolder ? library.inspect(modelPath, entry) : library.lookup(modelPath, entry);
    QString folder = QFileInfo(modelPath).absoluteFilePath();
    if (!isFolder) {
        const bool unsupportedFile =
            found && (entry.kind == app::LibraryEntry::Kind::PickleFile ||
                      (entry.kind == app::LibraryEntry::Kind::SingleFile &&
                       (!app::CheckpointClassifier::loadable() || !entry.isReady())));
        if (unsupportedFile) {
            *error = QStringLiteral("the model %1 cannot be used: %2").arg(modelPath, entry.problem);
            return {};
        }
        if (found)
            folder = entry.location;
        else if (app::ModelLibrary::isRepoId(modelPath))
            folder = modelPath; // the engine says where it looked and how to download it
        else {
            *error = QStringLiteral("--model %1 is not a folder, a model file, a repo id in the "
                                    "Hugging Face cache or a name from limner-cli models list; "
                                    "give the folder that holds model_index.json")
                         .arg(modelPath);
            return {};
        }
    }
    const QString prior = found && entry.pairsWithPrior ? entry.priorFolder : QString();
    std::string name;
    const engine::Status s =
        engine::Engine::addModel(folder.toStdString(), name, nullptr, prior.toStdString());
    if (!s) {
        *error = QStringLiteral("the model %1 cannot be used: %2")
                     .arg(modelPath, QString::fromStdString(s.message()));
        return {};
    }
    return QString::fromStdString(name);
}

QString ModelArguments::applyTo(engine::InpaintRequest& request) const {
    QString error;
    const QString name = addModel(&error);
    if (name.isEmpty())
        return error;
    request.backend = name.toStdString();
    request.negativePrompt = negativePrompt.toStdString();
    request.candidates = candidates;
    request.diffusion = settings;
    request.diffusion.previewEvery = 0; // nobody watches the CLI's previews
    for (const Reference& reference : imagePrompts) {
        const QImage picture = app::ImageIO::load(reference.path, &error);
        if (picture.isNull())
            return QStringLiteral("--image-prompt: %1").arg(error);
        request.diffusion.imagePrompts.push_back(
            {app::ImageConvert::toEngineRgb(picture), reference.weight});
    }
    return {};
}

QString candidateOutputPath(const QString& outputPath, int index, int count) {
    if (count <= 1)
        return outputPath;
    const QFileInfo info(outputPath);
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    return info.dir().filePath(info.completeBaseName() + QLatin1Char('-') + QString::number(index + 1) +
                               suffix);
}

app::ImageExporter::Options exportOptions(int quality) {
    const app::Settings editor =
        app::Settings::load(QStringLiteral("Limner"), QStringLiteral("Limner"));
    app::ImageExporter::Options options;
    options.quality = quality;
    options.watermark = editor.exportWatermark;
    options.signerCertificate = editor.signerCertificate;
    options.signerKey = editor.signerKey;
    return options;
}

} // namespace limner::cli
