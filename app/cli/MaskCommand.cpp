#include "app/cli/MaskCommand.h"

#include "app/ImageConvert.h"
#include "app/ImageIO.h"
#include "engine/core/Status.h"
#include "engine/imaging/ColorRangeSelect.h"
#include "engine/imaging/MagicWand.h"
#include "engine/imaging/RefineEdge.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QImageWriter>
#include <QSaveFile>
#include <QTextStream>
#include <optional>

namespace limner::cli {

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const char* const kUsage =
    "Usage: limner-cli mask --image IN --out MASK.png SELECTION\n\n"
    "Writes a selection mask of the picture (8-bit grey PNG, same size, white = selected).\n"
    "SELECTION is exactly one of:\n"
    "  --box X,Y,W,H [--inside X,Y]... [--outside X,Y]...\n"
    "        the object inside the box (GrabCut), corrected by clicks on pixels that are\n"
    "        part of it (--inside) or not (--outside)\n"
    "  --wand X,Y [--tolerance T] [--global]\n"
    "        the magic wand at a point: the region of its colour around it, or with --global\n"
    "        every pixel of that colour (T: 0-255 per channel, default 32)\n"
    "  --color R,G,B [--tolerance T]\n"
    "        every pixel of a colour\n"
    "  --refine --mask OLD.png\n"
    "        an existing mask of the same size, its edge snapped to the picture's edges\n";

// "12,34,…": exactly count whole numbers, or nothing.
std::optional<std::vector<int>> numbers(const QString& text, int count) {
    const QStringList parts = text.split(QLatin1Char(','));
    if (parts.size() != count)
        return std::nullopt;
    std::vector<int> values;
    for (const QString& part : parts) {
        bool ok = false;
        values.push_back(part.trimmed().toInt(&ok));
        if (!ok)
            return std::nullopt;
    }
    return values;
}

QString sizeText(int width, int height) {
    return QStringLiteral("%1×%2").arg(width).arg(height);
}

// ImageIO::save writes an opaque picture as RGB; a mask stays one grey channel. Like ImageIO, it
// writes to a temporary file and renames it, so a failure leaves no partial file.
QString saveGreyPng(const engine::Image& mask, const QString& path) {
    const QImage image = app::ImageConvert::toQImage(mask);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot save %1: %2").arg(path, file.errorString());
    QImageWriter writer(&file, "png");
    if (!writer.write(image)) {
        file.cancelWriting();
        return QStringLiteral("cannot save %1: %2").arg(path, writer.errorString());
    }
    if (!file.commit())
        return QStringLiteral("cannot save %1: %2").arg(path, file.errorString());
    return {};
}

QString statusText(const engine::Status& status) {
    return QString::fromStdString(status.message());
}

} // namespace

QString MaskCommand::parse(const QStringList& arguments) {
    QCommandLineParser parser;
    const QCommandLineOption image(QStringLiteral("image"), QString(), QStringLiteral("file"));
    const QCommandLineOption out(QStringLiteral("out"), QString(), QStringLiteral("file"));
    const QCommandLineOption mask(QStringLiteral("mask"), QString(), QStringLiteral("file"));
    const QCommandLineOption boxOption(QStringLiteral("box"), QString(), QStringLiteral("X,Y,W,H"));
    const QCommandLineOption inside(QStringLiteral("inside"), QString(), QStringLiteral("X,Y"));
    const QCommandLineOption outside(QStringLiteral("outside"), QString(), QStringLiteral("X,Y"));
    const QCommandLineOption wand(QStringLiteral("wand"), QString(), QStringLiteral("X,Y"));
    const QCommandLineOption globalOption(QStringLiteral("global"), QString());
    const QCommandLineOption colorOption(QStringLiteral("color"), QString(), QStringLiteral("R,G,B"));
    const QCommandLineOption toleranceOption(QStringLiteral("tolerance"), QString(),
                                             QStringLiteral("T"));
    const QCommandLineOption refine(QStringLiteral("refine"), QString());
    parser.addOptions({image, out, mask, boxOption, inside, outside, wand, globalOption, colorOption,
                       toleranceOption, refine});
    if (!parser.parse(QStringList{QStringLiteral("limner-cli mask")} + arguments))
        return parser.errorText();
    if (!parser.positionalArguments().isEmpty())
        return QStringLiteral("mask takes no file names but options: unexpected '%1'")
            .arg(parser.positionalArguments().first());
    for (const QCommandLineOption* required : {&image, &out}) {
        if (!parser.isSet(*required))
            return QStringLiteral("mask needs --%1").arg(required->names().first());
    }
    imagePath = parser.value(image);
    outputPath = parser.value(out);
    if (QFileInfo(outputPath).suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) != 0)
        return QStringLiteral("--out must name a .png file: a mask is written as 8-bit grey PNG");

    const int ways = int(parser.isSet(boxOption)) + int(parser.isSet(wand)) +
                     int(parser.isSet(colorOption)) + int(parser.isSet(refine));
    if (ways != 1)
        return QStringLiteral("mask needs exactly one of --box, --wand, --color or --refine");
    if (parser.values(boxOption).size() > 1 || parser.values(wand).size() > 1 ||
        parser.values(colorOption).size() > 1 || parser.values(toleranceOption).size() > 1)
        return QStringLiteral("give --box, --wand, --color and --tolerance once each");
    const bool clicked = parser.isSet(inside) || parser.isSet(outside);
    if (clicked && !parser.isSet(boxOption))
        return QStringLiteral("--inside and --outside correct a --box selection");
    if (parser.isSet(globalOption) && !parser.isSet(wand))
        return QStringLiteral("--global is for --wand");
    if (parser.isSet(toleranceOption) && !parser.isSet(wand) && !parser.isSet(colorOption))
        return QStringLiteral("--tolerance is for --wand and --color");
    if (parser.isSet(mask) != parser.isSet(refine))
        return QStringLiteral("--refine needs --mask EXISTING.png, and --mask is only for --refine");

    if (parser.isSet(toleranceOption)) {
        bool ok = false;
        tolerance = parser.value(toleranceOption).toInt(&ok);
        if (!ok || tolerance < 0 || tolerance > 255)
            return QStringLiteral("--tolerance must be 0 to 255, not '%1'")
                .arg(parser.value(toleranceOption));
    }
    if (parser.isSet(boxOption)) {
        selection = Selection::Object;
        const auto v = numbers(parser.value(boxOption), 4);
        if (!v || (*v)[2] <= 0 || (*v)[3] <= 0)
            return QStringLiteral("--box must be X,Y,WIDTH,HEIGHT with a width and height above 0, "
                                  "not '%1'")
                .arg(parser.value(boxOption));
        box = engine::Rect{(*v)[0], (*v)[1], (*v)[2], (*v)[3]};
        for (const bool isInside : {true, false}) {
            const QCommandLineOption& option = isInside ? inside : outside;
            for (const QString& value : parser.values(option)) {
                const auto point = numbers(value, 2);
                if (!point)
                    return QStringLiteral("--%1 must be X,Y, not '%2'")
                        .arg(option.names().first(), value);
                clicks.push_back({(*point)[0], (*point)[1], isInside});
            }
        }
    } else if (parser.isSet(wand)) {
        selection = Selection::Wand;
        const auto point = numbers(parser.value(wand), 2);
        if (!point)
            return QStringLiteral("--wand must be X,Y, not '%1'").arg(parser.value(wand));
        wandX = (*point)[0];
        wandY = (*point)[1];
        global = parser.isSet(globalOption);
    } else if (parser.isSet(colorOption)) {
        selection = Selection::Color;
        const auto rgb = numbers(parser.value(colorOption), 3);
        bool inRange = rgb.has_value();
        for (int c = 0; inRange && c < 3; ++c)
            inRange =
                (*rgb)[static_cast<std::size_t>(c)] >= 0 && (*rgb)[static_cast<std::size_t>(c)] <= 255;
        if (!inRange)
            return QStringLiteral("--color must be R,G,B, each 0 to 255, not '%1'")
                .arg(parser.value(colorOption));
        for (std::size_t c = 0; c < 3; ++c)
            color[c] = static_cast<std::uint8_t>((*rgb)[c]);
    } else {
        selection = Selection::Refine;
        maskPath = parser.value(mask);
    }
    return {};
}

QString MaskCommand::run() const {
    using app::ImageIO;
    if (const QString problem = ImageIO::checkWritable(outputPath); !problem.isEmpty())
        return problem;
    QString error;
    const QImage picture = ImageIO::load(imagePath, &error);
    if (picture.isNull())
        return error;
    const engine::Image rgb = app::ImageConvert::toEngineRgb(picture);

    engine::Image result;
    engine::Status status;
    switch (selection) {
    case Selection::Object:
        status = engine::imaging::selectObject(rgb, box, clicks, {}, result);
        break;
    case Selection::Wand:
        status =
            engine::imaging::magicWandSelect(rgb, wandX, wandY, {tolerance, !global, true}, result);
        break;
    case Selection::Color:
        status = engine::imaging::selectColorRange(rgb, color, tolerance, true, result);
        break;
    case Selection::Refine: {
        const QImage old = app::ImageConvert::toMaskImage(ImageIO::load(maskPath, &error));
        if (old.isNull())
            return error;
        if (old.size() != picture.size())
            return QStringLiteral("mask is %1 but the image is %2; make the mask the same size as "
                                  "the image")
                .arg(sizeText(old.width(), old.height()), sizeText(picture.width(), picture.height()));
        status = engine::imaging::refineMaskEdge(rgb, app::ImageConvert::toEngineMask(old), {}, result);
        break;
    }
    }
    if (!status)
        return statusText(status);
    return saveGreyPng(result, outputPath);
}

int runMaskCommand(const QStringList& arguments) {
    QTextStream err(stderr);
    if (arguments.contains(QLatin1String("--help")) || arguments.contains(QLatin1String("-h"))) {
        QTextStream(stdout) << kUsage;
        return 0;
    }
    MaskCommand command;
    if (const QString problem = command.parse(arguments); !problem.isEmpty()) {
        err << "limner-cli: " << problem << " (see limner-cli mask --help)" << Qt::endl;
        return kExitUsage;
    }
    if (const QString problem = command.run(); !problem.isEmpty()) {
        err << "limner-cli: " << problem << Qt::endl;
        return kExitFailure;
    }
    return 0;
}

} // namespace limner::cli
