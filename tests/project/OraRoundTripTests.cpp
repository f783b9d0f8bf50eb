#include "app/Document.h"
#include "app/project/OraWriter.h"
#include "app/project/ProjectFile.h"
#include "app/project/ProjectSnapshot.h"
#include "app/project/ZipReader.h"
#include "tests/project/ProjectFixtures.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImageReader>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QXmlStreamReader>
#include <catch2/catch.hpp>

using limner::app::Document;
using limner::app::GenerationInfo;
using limner::app::Layer;
using limner::app::ProjectFile;
using limner::app::ZipReader;

namespace {

void requireSameLayers(const Document& a, const Document& b) {
    REQUIRE(a.canvasSize() == b.canvasSize());
    REQUIRE(a.layerCount() == b.layerCount());
    for (int i = 0; i < a.layerCount(); ++i) {
        const Layer& x = a.layers()[static_cast<std::size_t>(i)];
        const Layer& y = b.layers()[static_cast<std::size_t>(i)];
        INFO("layer " << i << " " << x.name.toStdString());
        CHECK(x.id == y.id);
        CHECK(x.name == y.name);
        CHECK(x.offset == y.offset);
        CHECK(x.visible == y.visible);
        CHECK(x.opacity == y.opacity);
        CHECK(y.pixels.format() == QImage::Format_ARGB32_Premultiplied);
        CHECK(x.pixels == y.pixels); // every pixel, bit for bit
        CHECK(x.generation.fromTrainedModel == y.generation.fromTrainedModel);
        CHECK(x.generation.mixedWithOtherPixels == y.generation.mixedWithOtherPixels);
        CHECK(x.generation.blendFeather == y.generation.blendFeather);
        CHECK(x.generation.blendGrow == y.generation.blendGrow);
        CHECK(x.generation.colorMatch == y.generation.colorMatch);
        CHECK(x.generation.denoiseGrow == y.generation.denoiseGrow);
        CHECK(x.generation.colorRingWidth == y.generation.colorRingWidth);
        CHECK(x.generation.histogramMatch == y.generation.histogramMatch);
        CHECK(x.generation.poisson == y.generation.poisson);
        CHECK(x.generation.backend == y.generation.backend);
        CHECK(x.generation.prompt == y.generation.prompt);
        CHECK(x.generation.negativePrompt == y.generation.negativePrompt);
        CHECK(x.generation.seed == y.generation.seed);
        CHECK(x.generation.styles == y.generation.styles);
        CHECK(x.generation.stagingEntryId == y.generation.stagingEntryId);
        CHECK(x.generation.candidateIndex == y.generation.candidateIndex);
        CHECK(x.generation.candidateMap == y.generation.candidateMap);
        CHECK(x.generation.generated == y.generation.generated);
        CHECK(x.generation.userMask == y.generation.userMask);
    }
    CHECK(a.mask() == b.mask());
    CHECK(a.activeLayerId() == b.activeLayerId());
}

} // namespace

TEST_CASE("Saving and reopening a project keeps every layer, its pixels and the mask bit-identical",
          "[project]") {
    QTemporaryDir dir;
    Document original;
    ProjectFixtures::buildLayeredDocument(original);
    REQUIRE(original.layerCount() == 5);
    REQUIRE_FALSE(original.undoStack()->isClean());
    const QString path = dir.filePath(QStringLiteral("work.ora"));

    QString error;
    REQUIRE(ProjectFile::save(original, path, &error));
    CHECK(error.isEmpty());
    CHECK(original.undoStack()->isClean());
    CHECK(original.filePath() == path);

    Document reopened;
    REQUIRE(ProjectFile::open(reopened, path, qint64(1) << 30, &error));
    requireSameLayers(original, reopened);
    CHECK(reopened.undoStack()->isClean());
    CHECK(reopened.flatten() == original.flatten());

    SECTION("a second save keeps the previous version as name.ora~") {
        const QByteArray first = ProjectFixtures::readFile(path);
        original.setLayerVisible(original.layers()[2].id, true);
        REQUIRE(ProjectFile::save(original, path, &error));
        CHECK(ProjectFixtures::readFile(ProjectFile::backupPath(path)) == first);
        CHECK(ProjectFixtures::readFile(path) != first);
        // Only the project and its backup: no temporary files left behind.
        CHECK(QDir(dir.path()).entryList(QDir::Files).size() == 2);
    }
}

TEST_CASE("A saved project follows the OpenRaster layout other programs expect", "[project]") {
    QTemporaryDir dir;
    Document document;
    ProjectFixtures::buildLayeredDocument(document);
    const QString path = dir.filePath(QStringLiteral("layout.ora"));
    QString error;
    REQUIRE(ProjectFile::save(document, path, &error));
    const QByteArray bytes = ProjectFixtures::readFile(path);

    // OpenRaster spec: the first entry is "mimetype", stored, no extra field, so that the
    // media type can be sniffed at byte 38.
    CHECK(bytes.mid(30, 8) == "mimetype");
    CHECK(bytes.mid(38, 16) == "image/openraster");
    CHECK(bytes.mid(8, 2) == QByteArray(2, '\0')); // method 0 = stored

    ZipReader zip;
    REQUIRE(zip.open(bytes, ZipReader::Limits(), &error));
    CHECK(zip.entries().front().name == QStringLiteral("mimetype"));
    for (const char* required : {"stack.xml", "mergedimage.png", "Thumbnails/thumbnail.png"})
        CHECK(zip.find(QString::fromLatin1(required)));

    const QByteArray xml = *zip.read(QStringLiteral("stack.xml"), &error);
    QXmlStreamReader r(xml);
    QStringList names;
    while (!r.atEnd()) {
        if (r.readNext() != QXmlStreamReader::StartElement)
            continue;
        const auto a = r.attributes();
        if (r.name() == QLatin1String("image")) {
            CHECK(a.value(QStringLiteral("w")).toInt() == document.canvasSize().width());
            CHECK(a.value(QStringLiteral("h")).toInt() == document.canvasSize().height());
        } else if (r.name() == QLatin1String("layer")) {
            names << a.value(QStringLiteral("name")).toString();
            CHECK(a.value(QStringLiteral("composite-op")) == QLatin1String("svg:src-over"));
            CHECK(zip.find(a.value(QStringLiteral("src")).toString()));
            for (const char* attribute : {"x", "y", "opacity", "visibility"})
                CHECK(a.hasAttribute(QString::fromLatin1(attribute)));
        }
    }
    CHECK_FALSE(r.hasError());
    // Topmost first.
    CHECK(names == QStringList{QStringLiteral("a red kite"), QStringLiteral("Faint"),
                               QStringLiteral("Hidden cat"), QStringLiteral("Every alpha ünïcødé"),
                               QStringLiteral("Coffee")});

    QImage merged;
    merged.loadFromData(*zip.read(QStringLiteral("mergedimage.png"), &error));
    CHECK(merged.convertToFormat(QImage::Format_ARGB32_Premultiplied) == document.flatten());
    QImage thumbnail;
    thumbnail.loadFromData(*zip.read(QStringLiteral("Thumbnails/thumbnail.png"), &error));
    CHECK(thumbnail.width() <= 256);
    CHECK(thumbnail.height() <= 256);
    CHECK(std::max(thumbnail.width(), thumbnail.height()) == 256);

    // An independent ZIP implementation (Python's zipfile) reads it and finds every CRC right.
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (!python.isEmpty()) {
        QProcess p;
        p.start(python, {QStringLiteral("-c"),
                         QStringLiteral("import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
                                        "print(z.testzip(), z.namelist()[0])"),
                         path});
        REQUIRE(p.waitForFinished(30000));
        CHECK(p.readAllStandardOutput().trimmed() == "None mimetype");
    }
}

TEST_CASE("An OpenRaster file written by another program opens with its layers", "[project]") {
    // Written by hand from the OpenRaster specification with Python's zipfile (see
    // tests/project/data/README.md): nested stacks as Krita and GIMP write groups, a hidden
    // group, group opacity, a multiply layer, a deflated 16-bit PNG, an unknown entry.
    Document document;
    QString error;
    QStringList warnings;
    REQUIRE(ProjectFile::open(document, QStringLiteral(LIMNER_PROJECT_TEST_DATA "/foreign-nested.ora"),
                              qint64(1) << 30, &error, &warnings));
    CHECK(error.isEmpty());
    CHECK(document.canvasSize() == QSize(64, 48));
    REQUIRE(document.layerCount() == 4);
    const auto& layers = document.layers(); // bottom first
    CHECK(layers[0].name == QStringLiteral("background"));
    CHECK(layers[0].pixels.pixel(0, 0) == qRgb(0, 0, 255));
    CHECK(layers[1].name == QStringLiteral("sixteen bit"));
    CHECK(layers[1].pixels.pixel(0, 0) == qRgb(255, 0, 0));
    CHECK(layers[1].offset == QPoint(8 + 2, 4 + 3)); // group offset + layer offset
    CHECK(layers[1].opacity == Approx(0.5 * 0.8));
    CHECK(layers[2].name == QStringLiteral("in hidden group"));
    CHECK_FALSE(layers[2].visible);
    CHECK(layers[3].name == QStringLiteral("multiply"));
    REQUIRE(warnings.size() == 1);
    CHECK(warnings.first().contains(QStringLiteral("svg:multiply")));
    for (const Layer& layer : layers)
        CHECK_FALSE(layer.generation.fromTrainedModel);
}
