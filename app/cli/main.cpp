#include "app/BundledModel.h"
#include "app/cli/FlattenCommand.h"
#include "app/cli/InpaintCommand.h"
#include "app/cli/MaskCommand.h"
#include "app/cli/ModelsCommand.h"
#include "app/cli/OutpaintCommand.h"
#include "app/cli/VerifyCommand.h"
#ifdef LIMNER_HAVE_EVAL_MINI
#include "app/cli/EvalMiniCommand.h"
#endif
#include "engine/service/Engine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>
#include <cstdio>

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int printError(const QString& message) {
    QTextStream(stderr) << "limner-cli: " << message << Qt::endl;
    return kExitFailure;
}

int printUsageError(const QString& message) {
    QTextStream(stderr) << "limner-cli: " << message << " (see limner-cli --help)" << Qt::endl;
    return kExitUsage;
}

struct OutpaintOptions {
    QCommandLineOption left{QStringLiteral("left"),
                            QStringLiteral("Outpaint: pixels to add on the left."), QStringLiteral("N"),
                            QStringLiteral("0")};
    QCommandLineOption right{QStringLiteral("right"),
                             QStringLiteral("Outpaint: pixels to add on the right."),
                             QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption top{QStringLiteral("top"), QStringLiteral("Outpaint: pixels to add at the top."),
                           QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption bottom{QStringLiteral("bottom"),
                              QStringLiteral("Outpaint: pixels to add at the bottom."),
                              QStringLiteral("N"), QStringLiteral("0")};
    QCommandLineOption seedFill{
        QStringLiteral("seed-fill"),
        QStringLiteral("Outpaint: how the new area is seeded: edge, reflect, telea, "
                       "fsr, blur, noise or none (default edge)."),
        QStringLiteral("method"), QStringLiteral("edge")};
    QCommandLineOption colorMatch{QStringLiteral("color-match"),
                                  QStringLiteral("Colour match of the fill to its surroundings: off, "
                                                 "stats or histogram (default: stats for outpaint; "
                                                 "for inpaint off with a model, stats with a "
                                                 "classical backend)."),
                                  QStringLiteral("mode"), QStringLiteral("stats")};
    QCommandLineOption poisson{
        QStringLiteral("poisson"),
        QStringLiteral("Outpaint: Poisson (gradient-domain) blending at the seam.")};
    QCommandLineOption frame{
        QStringLiteral("frame"),
        QStringLiteral("Outpaint: size of each generation frame (default: the backend's "
                       "native size, or the whole picture)."),
        QStringLiteral("WxH")};
};

// Without --backend or --model the bundled model (limner-mini) does the work where it is found,
// else the classical Telea fill.
QString defaultModel(const QCommandLineParser& parser) {
    return parser.isSet(QStringLiteral("backend")) ? QString() : limner::app::bundledModelFolder();
}

struct EvalMiniOptions {
    QCommandLineOption scenes{QStringLiteral("scenes"),
                              QStringLiteral("eval-mini: how many scenes (default 200)."),
                              QStringLiteral("N"), QStringLiteral("200")};
    QCommandLineOption first{QStringLiteral("first"),
                             QStringLiteral("eval-mini: number of the first scene (default 0)."),
                             QStringLiteral("K"), QStringLiteral("0")};
    QCommandLineOption samples{
        QStringLiteral("samples"),
        QStringLiteral("eval-mini: write the first scenes' inputs, masks and results as PNGs "
                       "into this folder."),
        QStringLiteral("dir")};
    QCommandLineOption targetPicture{
        QStringLiteral("target-picture"),
        QStringLiteral("eval-mini: prompt with the target's own picture (its box in the whole "
                       "scene, as an image prompt) instead of its phrase: measures the decoder "
                       "without the prior.")};
    QCommandLineOption autoencoderOnly{
        QStringLiteral("autoencoder-only"),
        QStringLiteral("eval-mini: no inpainting; the mask holds the autoencoder's round trip of "
                       "the true picture, so the judges score the best any decoder of this model "
                       "can paint.")};
};

EvalMiniOptions addEvalMiniOptions(QCommandLineParser& parser) {
    EvalMiniOptions o;
    parser.addOptions({o.scenes, o.first, o.samples, o.targetPicture, o.autoencoderOnly});
    return o;
}

int runEvalMini(const QCommandLineParser& parser, const EvalMiniOptions& o,
                const limner::cli::ModelOptions& m) {
#ifndef LIMNER_HAVE_EVAL_MINI
    return printError(QStringLiteral("this build has no model support (it was built without "
                                     "libtorch), so eval-mini cannot run"));
#else
    if (parser.positionalArguments().size() != 1)
        return printUsageError(QStringLiteral("eval-mini takes no file names"));
    for (const char* other : {"image", "mask", "out", "backend", "prompt", "seed", "quality", "feather",
                              "candidates", "image-prompt", "left", "right", "top", "bottom",
                              "seed-fill", "color-match", "poisson", "frame"}) {
        if (parser.isSet(QString::fromLatin1(other)))
            return printUsageError(
                QStringLiteral("eval-mini takes no --%1: it makes its own scenes, masks and prompts, "
                               "one candidate each, seeded with the scene number")
                    .arg(QLatin1String(other)));
    }
    const QString folder =
        parser.isSet(m.model) ? parser.value(m.model) : limner::app::bundledModelFolder();
    if (folder.isEmpty())
        return printError(QStringLiteral(
            "the bundled model limner-mini was not found (resources/models/limner-mini, "
            "share/limner/models/limner-mini or $LIMNER_BUNDLED_MODEL); give --model DIR"));
    limner::cli::EvalMiniCommand command;
    if (const QString problem = m.read(parser, command.model, folder); !problem.isEmpty())
        return printUsageError(problem);
    bool ok = false;
    command.scenes = parser.value(o.scenes).toInt(&ok);
    if (!ok || command.scenes < 1 || command.scenes > 100000)
        return printUsageError(
            QStringLiteral("--scenes must be 1 to 100000, not '%1'").arg(parser.value(o.scenes)));
    command.first = parser.value(o.first).toInt(&ok);
    if (!ok || command.first < 0)
        return printUsageError(
            QStringLiteral("--first must be a whole number ≥ 0, not '%1'").arg(parser.value(o.first)));
    command.samplesPath = parser.value(o.samples);
    command.targetPicture = parser.isSet(o.targetPicture);
    command.autoencoderOnly = parser.isSet(o.autoencoderOnly);
    if (command.targetPicture && command.autoencoderOnly)
        return printUsageError(QStringLiteral(
            "--target-picture and --autoencoder-only exclude each other: the autoencoder-only run "
            "prompts nothing"));
    QTextStream table(stdout), log(stderr);
    const QString error = command.run(table, log);
    return error.isEmpty() ? 0 : printError(error);
#endif
}

bool parseColorMatch(const QString& mode, limner::engine::imaging::ColorMatchMode& out) {
    using limner::engine::imaging::ColorMatchMode;
    if (mode == QLatin1String("off"))
        out = ColorMatchMode::Off;
    else if (mode == QLatin1String("stats"))
        out = ColorMatchMode::Statistics;
    else if (mode == QLatin1String("histogram"))
        out = ColorMatchMode::Histogram;
    else
        return false;
    return true;
}

int printColorMatchError(const QString& mode) {
    return printUsageError(
        QStringLiteral("--color-match must be off, stats or histogram, not '%1'").arg(mode));
}

OutpaintOptions addOutpaintOptions(QCommandLineParser& parser) {
    OutpaintOptions o;
    parser.addOptions({o.left, o.right, o.top, o.bottom, o.seedFill, o.colorMatch, o.poisson, o.frame});
    return o;
}

int runOutpaint(const QCommandLineParser& parser, const OutpaintOptions& o,
                const limner::cli::ModelOptions& m) {
    for (const char* required : {"image", "out"}) {
        if (!parser.isSet(QString::fromLatin1(required)))
            return printUsageError(QStringLiteral("outpaint needs --%1").arg(QLatin1String(required)));
    }
    if (parser.isSet(QStringLiteral("mask")))
        return printUsageError(
            QStringLiteral("outpaint takes no --mask: the new area is what it fills"));
    if (parser.isSet(QStringLiteral("backend")) && parser.isSet(m.model))
        return printUsageError(QStringLiteral("give either --backend or --model, not both"));
    if (parser.isSet(m.candidates))
        return printUsageError(QStringLiteral("outpaint writes one picture: --candidates is for "
                                              "inpaint"));
    limner::cli::OutpaintCommand command;
    if (const QString problem = m.read(parser, command.model, defaultModel(parser)); !problem.isEmpty())
        return printUsageError(problem);
    command.imagePath = parser.value(QStringLiteral("image"));
    command.outputPath = parser.value(QStringLiteral("out"));
    command.backend = parser.value(QStringLiteral("backend"));
    command.prompt = parser.value(QStringLiteral("prompt"));
    bool ok = false;
    command.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        return printUsageError(QStringLiteral("--seed must be a whole number ≥ 0, not '%1'")
                                   .arg(parser.value(QStringLiteral("seed"))));
    int* sides[] = {&command.margins.left, &command.margins.right, &command.margins.top,
                    &command.margins.bottom};
    const QCommandLineOption* options[] = {&o.left, &o.right, &o.top, &o.bottom};
    for (int i = 0; i < 4; ++i) {
        *sides[i] = parser.value(*options[i]).toInt(&ok);
        if (!ok || *sides[i] < 0 || *sides[i] > 8192)
            return printUsageError(QStringLiteral("--%1 must be 0 to 8192 pixels, not '%2'")
                                       .arg(options[i]->names().first(), parser.value(*options[i])));
    }
    if (!limner::engine::imaging::parseSeedMethod(parser.value(o.seedFill).toLatin1().constData(),
                                                  command.seedMethod))
        return printUsageError(
            QStringLiteral(
                "--seed-fill must be edge, reflect, telea, fsr, blur, noise or none, not '%1'")
                .arg(parser.value(o.seedFill)));
    if (!parseColorMatch(parser.value(o.colorMatch), command.colorMatch))
        return printColorMatchError(parser.value(o.colorMatch));
    command.poisson = parser.isSet(o.poisson);
    if (parser.isSet(o.frame)) {
        const QStringList frame = parser.value(o.frame).split(QLatin1Char('x'));
        int fw = 0, fh = 0;
        if (frame.size() == 2) {
            fw = frame[0].toInt(&ok);
            if (ok)
                fh = frame[1].toInt(&ok);
        }
        if (frame.size() != 2 || !ok || fw < 64 || fh < 64 || fw > 4096 || fh > 4096)
            return printUsageError(
                QStringLiteral("--frame must be WIDTHxHEIGHT, each 64 to 4096, not '%1'")
                    .arg(parser.value(o.frame)));
        command.frameSize = QSize(fw, fh);
    }
    if (parser.isSet(QStringLiteral("quality"))) {
        command.quality = parser.value(QStringLiteral("quality")).toInt(&ok);
        if (!ok || command.quality < 0 || command.quality > 100)
            return printUsageError(QStringLiteral("--quality must be 0 to 100, not '%1'")
                                       .arg(parser.value(QStringLiteral("quality"))));
    }
    if (parser.isSet(QStringLiteral("feather"))) {
        command.feather = parser.value(QStringLiteral("feather")).toInt(&ok);
        if (!ok || command.feather < 0 || command.feather > 256)
            return printUsageError(QStringLiteral("--feather must be 0 to 256 pixels, not '%1'")
                                       .arg(parser.value(QStringLiteral("feather"))));
    }
    int exitCode = kExitFailure;
    const QString error = command.run(&exitCode);
    if (!error.isEmpty()) {
        printError(error);
        return exitCode;
    }
    return 0;
}

} // namespace

int main(int argc, char* argv[]) {
    limner::engine::Engine::startProcess(argv); // may start the process again (CpuCompute)
    // Headless by design: QPainter on a QImage needs no platform plugin, and loading none keeps
    // stderr free of a display's warnings, so the one line we print is the only one.
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("limner-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Limner"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LIMNER_VERSION));
    // Decoders chatter on stderr (libpng: "known incorrect sRGB profile"); every failure that
    // matters comes back from ImageIO as our own one-line message, so theirs are noise.
    QLoggingCategory::setFilterRules(QStringLiteral("qt.gui.imageio*=false"));
    if (argc > 1 && QCoreApplication::arguments().at(1) == QLatin1String("models"))
        return limner::cli::runModelsCommand(QCoreApplication::arguments().mid(2));
    if (argc > 1 && QCoreApplication::arguments().at(1) == QLatin1String("mask"))
        return limner::cli::runMaskCommand(QCoreApplication::arguments().mid(2));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Limner from the command line.\n\n"
        "  limner-cli inpaint --image in.png --mask mask.png --out out.png [--backend telea | --model "
        "DIR]\n"
        "                     [--prompt TEXT] [--negative TEXT] [--image-prompt ref.png[:weight]]\n"
        "                     [--steps N] [--guidance G] [--seed N] [--scheduler NAME] [--strength "
        "S]\n"
        "                     [--soft [--soft-curve G]]\n"
        "                     [--candidates N] [--device auto|cpu|cuda] [--dtype auto|float32|...]\n"
        "                     [--color-match off|stats|histogram] [--feather PX]\n"
        "  limner-cli flatten project.ora --out out.png [--quality Q]\n"
        "  limner-cli mask --image in.png --out mask.png\n"
        "                  (--box X,Y,W,H [--inside X,Y] [--outside X,Y] | --wand X,Y [--global]\n"
        "                  | --color R,G,B | --refine --mask old.png) [--tolerance T]\n"
        "                       (a selection mask of the picture; limner-cli mask --help)\n"
        "  limner-cli outpaint --image in.png --left N --right N --top N --bottom N --out out.png\n"
        "                      [--backend NAME | --model DIR] [--prompt TEXT] [--seed-fill edge]\n"
        "  limner-cli eval-mini [--model DIR] [--scenes N] [--first K] [--samples DIR] [--steps N]\n"
        "                       [--target-picture | --autoencoder-only]\n"
        "                       (measures limner-mini, or the model given, on unseen scenes)\n"
        "  limner-cli models download ORG/NAME[@REVISION]\n"
        "                       (from the Hugging Face hub into its cache; prints the folder)\n"
        "  limner-cli models suggested\n"
        "  limner-cli models list | scan DIR | info MODEL   (the model library; models help)\n"
        "  limner-cli verify FILE   (its Content Credentials and Limner's invisible watermark;\n"
        "                       exit 0 valid, 5 none, 6 failing validation)\n"
        "--model takes a folder, a model file, a repo id in the Hugging Face cache (ORG/NAME) or a\n"
        "name limner-cli models list shows.\n\n"
        "The mask is an image of the same size: white = regenerate, black = keep (colour masks are\n"
        "converted to gray, transparent pixels count as black; with --soft its gray levels say how\n"
        "much each pixel may change). Output format follows the suffix\n"
        "of --out: .png, .jpg, .webp or .tiff."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("inpaint, outpaint, flatten, mask, verify, eval-mini or models"));
    const QCommandLineOption imageOption(QStringLiteral("image"), QStringLiteral("Picture to edit."),
                                         QStringLiteral("file"));
    const QCommandLineOption maskOption(QStringLiteral("mask"), QStringLiteral("Mask image."),
                                        QStringLiteral("file"));
    const QCommandLineOption outOption(
        QStringLiteral("out"), QStringLiteral("Where to write the result."), QStringLiteral("file"));
    const QCommandLineOption backendOption(
        QStringLiteral("backend"),
        QStringLiteral("Inpainting backend (default: the bundled model limner-mini, or telea "
                       "where it is missing)."),
        QStringLiteral("name"), QStringLiteral("telea"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Random seed (default 0)."), QStringLiteral("N"),
                                        QStringLiteral("0"));
    const QCommandLineOption promptOption(QStringLiteral("prompt"),
                                          QStringLiteral("What should be there (model backends)."),
                                          QStringLiteral("text"));
    const QCommandLineOption qualityOption(QStringLiteral("quality"),
                                           QStringLiteral("JPEG/WebP quality 0-100 (default 90)."),
                                           QStringLiteral("Q"));
    const QCommandLineOption featherOption(
        QStringLiteral("feather"),
        QStringLiteral("Soft edge past the mask in pixels; 0 changes only masked pixels (default: "
                       "in proportion to the mask)."),
        QStringLiteral("px"));
    parser.addOptions({imageOption, maskOption, outOption, backendOption, seedOption, promptOption,
                       qualityOption, featherOption});
    const OutpaintOptions outpaint = addOutpaintOptions(parser);
    const EvalMiniOptions evalMini = addEvalMiniOptions(parser);
    limner::cli::ModelOptions modelOptions;
    modelOptions.addTo(parser);

    if (!parser.parse(QCoreApplication::arguments()))
        return printUsageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return printUsageError(QStringLiteral("no command given"));
    if (positional.first() == QLatin1String("flatten")) {
        if (positional.size() != 2)
            return printUsageError(QStringLiteral("flatten needs one project: limner-cli flatten "
                                                  "PROJECT.ora --out image.png"));
        if (!parser.isSet(outOption))
            return printUsageError(QStringLiteral("flatten needs --out"));
        limner::cli::FlattenCommand flatten;
        flatten.projectPath = positional.at(1);
        flatten.outputPath = parser.value(outOption);
        if (parser.isSet(qualityOption)) {
            bool ok = false;
            flatten.quality = parser.value(qualityOption).toInt(&ok);
            if (!ok || flatten.quality < 0 || flatten.quality > 100)
                return printUsageError(QStringLiteral("--quality must be 0 to 100, not '%1'")
                                           .arg(parser.value(qualityOption)));
        }
        const QString error = flatten.run();
        return error.isEmpty() ? 0 : printError(error);
    }
    if (positional.first() == QLatin1String("verify")) {
        if (positional.size() != 2)
            return printUsageError(QStringLiteral("verify needs one file: limner-cli verify FILE"));
        limner::cli::VerifyCommand verify;
        verify.path = positional.at(1);
        return verify.run();
    }
    if (positional.first() == QLatin1String("eval-mini"))
        return runEvalMini(parser, evalMini, modelOptions);
    const bool outpainting = positional.size() == 1 && positional.first() == QLatin1String("outpaint");
    if (positional.size() > 1 || (positional.first() != QLatin1String("inpaint") && !outpainting))
        return printUsageError(
            QStringLiteral("unknown command '%1'").arg(positional.join(QLatin1Char(' '))));
    if (outpainting)
        return runOutpaint(parser, outpaint, modelOptions);
    for (const QCommandLineOption* required : {&imageOption, &maskOption, &outOption}) {
        if (!parser.isSet(*required))
            return printUsageError(QStringLiteral("inpaint needs --%1").arg(required->names().first()));
    }

    if (parser.isSet(backendOption) && parser.isSet(modelOptions.model))
        return printUsageError(QStringLiteral("give either --backend or --model, not both"));
    limner::cli::InpaintCommand command;
    if (const QString problem = modelOptions.read(parser, command.model, defaultModel(parser));
        !problem.isEmpty())
        return printUsageError(problem);
    command.imagePath = parser.value(imageOption);
    command.maskPath = parser.value(maskOption);
    command.outputPath = parser.value(outOption);
    command.backend = parser.value(backendOption);
    command.prompt = parser.value(promptOption);
    bool ok = false;
    command.seed = parser.value(seedOption).toULongLong(&ok);
    if (!ok)
        return printUsageError(QStringLiteral("--seed must be a whole number ≥ 0, not '%1'")
                                   .arg(parser.value(seedOption)));
    if (parser.isSet(qualityOption)) {
        command.quality = parser.value(qualityOption).toInt(&ok);
        if (!ok || command.quality < 0 || command.quality > 100)
            return printUsageError(QStringLiteral("--quality must be 0 to 100, not '%1'")
                                       .arg(parser.value(qualityOption)));
    }

    if (parser.isSet(featherOption)) {
        command.feather = parser.value(featherOption).toInt(&ok);
        if (!ok || command.feather < 0 || command.feather > 256)
            return printUsageError(QStringLiteral("--feather must be 0 to 256 pixels, not '%1'")
                                       .arg(parser.value(featherOption)));
    }

    // The option's default value is outpaint's; an inpaint takes its backend's unless asked.
    if (parser.isSet(outpaint.colorMatch)) {
        limner::engine::imaging::ColorMatchMode mode;
        if (!parseColorMatch(parser.value(outpaint.colorMatch), mode))
            return printColorMatchError(parser.value(outpaint.colorMatch));
        command.colorMatch = mode;
    }

    int exitCode = kExitFailure;
    const QString error = command.run(&exitCode);
    if (!error.isEmpty()) {
        printError(error);
        return exitCode;
    }
    return 0;
}
