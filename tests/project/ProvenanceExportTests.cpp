#include "app/Document.h"
#include "app/project/ImageExporter.h"
#include "app/project/ProjectSnapshot.h"
#include "app/project/Provenance.h"
#include "tests/project/ProjectFixtures.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtEndian>
#include <catch2/catch.hpp>

using limner::app::Document;
using limner::app::ImageExporter;
using limner::app::Layer;
using limner::app::ProjectSnapshot;
using limner::app::Provenance;

namespace {

const QString kComposite = QStringLiteral(
    "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia");
const QString kGenerated =
    QStringLiteral("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia");

// exiftool, as a user would run it: the raw value (-n) of one tag, empty when absent.
QString exiftool(const QString& path, const QString& tag) {
    const QString program = QStandardPaths::findExecutable(QStringLiteral("exiftool"));
    REQUIRE_FALSE(program.isEmpty()); // Debian: libimage-exiftool-perl (scripts/setup installs it)
    QProcess p;
    p.start(program, {QStringLiteral("-n"), QStringLiteral("-s3"), QStringLiteral("-") + tag, path});
    REQUIRE(p.waitForFinished(60000));
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

Layer modelLayer(const QRect& rect, bool fromModel = true) {
    Layer layer;
    layer.name = QStringLiteral("a red kite");
    layer.pixels = QImage(rect.size(), QImage::Format_ARGB32_Premultiplied);
    layer.pixels.fill(QColor(200, 30, 30));
    layer.offset = rect.topLeft();
    layer.generation.backend = fromModel ? QStringLiteral("kandinsky-2-2") : QStringLiteral("telea");
    layer.generation.fromTrainedModel = fromModel;
    layer.generation.prompt = QStringLiteral("a red kite, watercolour");
    layer.generation.seed = 1234;
    return layer;
}

// The PNG chunks of type, as (keyword, compression flag) for iTXt.
QList<QByteArray> pngChunks(const QByteArray& png, const QByteArray& type) {
    QList<QByteArray> found;
    for (qint64 at = 8; at + 12 <= png.size();) {
        const quint32 length = qFromBigEndian<quint32>(png.constData() + at);
        if (png.mid(at + 4, 4) == type)
            found << png.mid(at + 8, length);
        at += 12 + length;
    }
    return found;
}

} // namespace

TEST_CASE("Exports declare a model's part in XMP that exiftool reads, in every format", "[project]") {
    QTemporaryDir dir;
    Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
    document.addLayer(modelLayer(QRect(40, 40, 100, 80)), 1, QString());
    for (const char* suffix : {"png", "jpg", "webp", "tiff"}) {
        const QString path = dir.filePath(QStringLiteral("export.") + QLatin1String(suffix));
        QString error;
        REQUIRE(ImageExporter::exportImage(document, path, {}, &error));
        INFO(suffix);
        CHECK(exiftool(path, QStringLiteral("XMP-iptcExt:DigitalSourceType")) == kComposite);
        CHECK(
            exiftool(path, QStringLiteral("XMP-xmp:CreatorTool")).startsWith(QStringLiteral("Limner")));
        // Still a picture that decodes to the document's size.
        CHECK(QImage(path).size() == document.canvasSize());
    }
    // PNG: an uncompressed iTXt chunk with the keyword XMP readers look for.
    const QList<QByteArray> itxt =
        pngChunks(ProjectFixtures::readFile(dir.filePath(QStringLiteral("export.png"))), "iTXt");
    REQUIRE(itxt.size() == 1);
    CHECK(itxt.first().startsWith(QByteArray("XML:com.adobe.xmp\0\0", 19))); // compression flag 0
    // JPEG: an APP1 segment with the XMP namespace header.
    const QByteArray jpeg = ProjectFixtures::readFile(dir.filePath(QStringLiteral("export.jpg")));
    CHECK(jpeg.contains(QByteArray("\xff\xe1", 2)));
    CHECK(jpeg.contains(QByteArray("http://ns.adobe.com/xap/1.0/\0", 29)));
}

TEST_CASE("A picture made wholly by a model says so; one without model pixels says nothing",
          "[project]") {
    QTemporaryDir dir;
    QString error;
    const QString path = dir.filePath(QStringLiteral("out.png"));

    SECTION("every visible pixel from a model") {
        Document document;
        document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
        document.addLayer(modelLayer(document.canvasRect()), 1, QString()); // covers the photo
        CHECK(Provenance::of(ProjectSnapshot::fromDocument(document)) ==
              Provenance::SourceType::TrainedAlgorithmic);
        REQUIRE(ImageExporter::exportImage(document, path, {}, &error));
        CHECK(exiftool(path, QStringLiteral("XMP-iptcExt:DigitalSourceType")) == kGenerated);
    }
    SECTION("a photograph, a classical fill, and a hidden model layer declare nothing") {
        Document document;
        document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
        document.addLayer(modelLayer(QRect(10, 10, 50, 50), false), 1, QString());
        const int hidden = document.addLayer(modelLayer(QRect(100, 100, 50, 50)), 2, QString());
        document.setLayerVisible(hidden, false);
        CHECK(Provenance::of(ProjectSnapshot::fromDocument(document)) == Provenance::SourceType::None);
        REQUIRE(ImageExporter::exportImage(document, path, {}, &error));
        CHECK(exiftool(path, QStringLiteral("XMP-iptcExt:DigitalSourceType")).isEmpty());
        CHECK(pngChunks(ProjectFixtures::readFile(path), "iTXt").isEmpty());
    }
    SECTION("a model layer merged into the photo still counts, as a composite") {
        Document document;
        document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
        const int id = document.addLayer(modelLayer(document.canvasRect()), 1, QString());
        REQUIRE(document.mergeDown(id));
        REQUIRE(document.layerCount() == 1);
        REQUIRE(ImageExporter::exportImage(document, path, {}, &error));
        CHECK(exiftool(path, QStringLiteral("XMP-iptcExt:DigitalSourceType")) == kComposite);
    }
}

TEST_CASE("The generation-parameters setting adds prompt, seed and model as a PNG parameters chunk",
          "[project]") {
    QTemporaryDir dir;
    Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
    document.addLayer(modelLayer(QRect(40, 40, 100, 80)), 1, QString());
    QString error;
    const QString off = dir.filePath(QStringLiteral("off.png"));
    REQUIRE(ImageExporter::exportImage(document, off, {}, &error));
    CHECK(exiftool(off, QStringLiteral("PNG:Parameters")).isEmpty()); // off by default

    ImageExporter::Options options;
    options.generationParameters = true;
    const QString on = dir.filePath(QStringLiteral("on.png"));
    REQUIRE(ImageExporter::exportImage(document, on, options, &error));
    const QString parameters = exiftool(on, QStringLiteral("PNG:Parameters"));
    CHECK(parameters.startsWith(QStringLiteral("a red kite, watercolour")));
    CHECK(parameters.contains(QStringLiteral("Seed: 1234, Model: kandinsky-2-2")));
    CHECK(exiftool(on, QStringLiteral("XMP-iptcExt:DigitalSourceType")) == kComposite);
    CHECK(QImage(on).size() == document.canvasSize());
}
