#include "app/cli/InpaintCommand.h"

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

} // namespace

int main(int argc, char* argv[]) {
    // Headless by design: QPainter on a QImage needs no platform plugin, and loading none keeps
    // stderr free of a display's warnings, so the one line we print is the only one.
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("limner-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Limner"));
    QCoreApplication::setApplicationVersion(QStringLiteral(LIMNER_VERSION));
    // Decoders chatter on stderr (libpng: "known incorrect sRGB profile"); every failure that
    // matters comes back from ImageIO as our own one-line message, so theirs are noise.
    QLoggingCategory::setFilterRules(QStringLiteral("qt.gui.imageio*=false"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Limner from the command line.\n\n"
        "  limner-cli inpaint --image in.png --mask mask.png --backend telea --out out.png [--seed "
        "N]\n\n"
        "The mask is an image of the same size: white = regenerate, black = keep (colour masks are\n"
        "converted to gray, transparent pixels count as black). Output format follows the suffix\n"
        "of --out: .png, .jpg, .webp or .tiff."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("inpaint"));
    const QCommandLineOption imageOption(QStringLiteral("image"), QStringLiteral("Picture to edit."),
                                         QStringLiteral("file"));
    const QCommandLineOption maskOption(QStringLiteral("mask"), QStringLiteral("Mask image."),
                                        QStringLiteral("file"));
    const QCommandLineOption outOption(
        QStringLiteral("out"), QStringLiteral("Where to write the result."), QStringLiteral("file"));
    const QCommandLineOption backendOption(QStringLiteral("backend"),
                                           QStringLiteral("Inpainting backend (default telea)."),
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

    if (!parser.parse(QCoreApplication::arguments()))
        return printUsageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        parser.showHelp(0);
    if (parser.isSet(QStringLiteral("version")))
        parser.showVersion();

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return printUsageError(QStringLiteral("no command given"));
    if (positional.size() > 1 || positional.first() != QLatin1String("inpaint"))
        return printUsageError(
            QStringLiteral("unknown command '%1'").arg(positional.join(QLatin1Char(' '))));
    for (const QCommandLineOption* required : {&imageOption, &maskOption, &outOption}) {
        if (!parser.isSet(*required))
            return printUsageError(QStringLiteral("inpaint needs --%1").arg(required->names().first()));
    }

    limner::cli::InpaintCommand command;
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

    const QString error = command.run();
    if (!error.isEmpty())
        return printError(error);
    return 0;
}
