#include "app/Document.h"
#include "app/project/ProjectFile.h"
#include "app/project/ZipReader.h"
#include "tests/project/ProjectFixtures.h"

#include <QColor>
#include <catch2/catch.hpp>
#include <cstdlib>

using limner::app::Document;
using limner::app::Layer;
using limner::app::ProjectFile;
using limner::app::ZipReader;

namespace {

// The pixels of the layers Limner saved before Krita re-saved them (see data/README.md):
// kind 0 is opaque, the others run through every alpha value.
QImage sourceLayer(int width, int height, int kind) {
    QImage image(width, height, QImage::Format_RGBA8888);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const int alpha = kind == 0 ? 255 : ((y * width + x) * 7) % 256;
            image.setPixelColor(
                x, y, QColor((x * 255) / width, (y * 255) / height, (kind * 90 + x * y) % 256, alpha));
        }
    }
    return image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

int largestChannelDifference(const QImage& a, const QImage& b) {
    const QImage x = a.convertToFormat(QImage::Format_RGBA8888);
    const QImage y = b.convertToFormat(QImage::Format_RGBA8888);
    int largest = 0;
    for (int row = 0; row < x.height(); ++row) {
        for (int i = 0; i < x.width() * 4; ++i)
            largest = std::max(largest, std::abs(x.constScanLine(row)[i] - y.constScanLine(row)[i]));
    }
    return largest;
}

} // namespace

TEST_CASE("An OpenRaster file written by Krita 5.1.5 opens with Krita's layers and pixels",
          "[project][krita]") {
    // A Limner project that Krita opened and exported again as .ora (data/README.md): Krita's own
    // stack.xml (an isolated root <stack>, its attribute order, layerN.png names) and PNG encoder.
    const QString path = QStringLiteral(LIMNER_PROJECT_TEST_DATA "/krita-5.1.5.ora");
    Document document;
    QString error;
    QStringList warnings;
    REQUIRE(ProjectFile::open(document, path, qint64(1) << 30, &error, &warnings));
    CHECK(warnings.isEmpty());
    CHECK(document.canvasSize() == QSize(48, 32));
    REQUIRE(document.layerCount() == 4);
    const auto& layers = document.layers(); // bottom first
    CHECK(layers[0].name == QStringLiteral("Background"));
    CHECK(layers[1].name == QStringLiteral("Alpha ramp ü"));
    CHECK(layers[2].name == QStringLiteral("Hidden"));
    CHECK(layers[3].name == QStringLiteral("Faint"));
    CHECK(layers[1].offset == QPoint(-4, 6));
    CHECK(layers[2].offset == QPoint(30, 2));
    CHECK(layers[3].offset == QPoint(26, 18));
    CHECK_FALSE(layers[2].visible);
    CHECK(layers[3].opacity == Approx(0.6));
    // Every pixel as Limner wrote it, translucent ones included.
    CHECK(layers[0].pixels == sourceLayer(48, 32, 0));
    CHECK(layers[1].pixels == sourceLayer(20, 13, 1));
    CHECK(layers[2].pixels == sourceLayer(8, 8, 2));
    CHECK(layers[3].pixels == sourceLayer(16, 10, 3));

    // Limner composites the stack as Krita did, to within Krita's rounding.
    ZipReader zip;
    REQUIRE(zip.open(ProjectFixtures::readFile(path), ZipReader::Limits(), &error));
    QImage merged;
    REQUIRE(merged.loadFromData(*zip.read(QStringLiteral("mergedimage.png"), &error)));
    REQUIRE(merged.size() == document.canvasSize());
    CHECK(largestChannelDifference(merged, document.flatten()) <= 2);
}
