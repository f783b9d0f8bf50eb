#include "app/ImageConvert.h"
#include "tests/app/TestImages.h"

#include <catch2/catch.hpp>

namespace convert = limner::app::ImageConvert;

TEST_CASE("Images cross to the engine without row padding and come back identical", "[app]") {
    // 37 px wide: RGB888 and Grayscale8 rows are padded to 4 bytes inside QImage.
    const QImage source = TestImages::gradient(37, 11).convertToFormat(QImage::Format_RGB888);
    REQUIRE(source.bytesPerLine() != 37 * 3);

    const auto rgb = convert::toEngineRgb(source);
    REQUIRE(rgb.isConsistent());
    CHECK(rgb.channels == 3);
    const std::uint8_t* p = rgb.pixel(36, 10);
    CHECK(qRgb(p[0], p[1], p[2]) == source.pixel(36, 10));
    CHECK(convert::toQImage(rgb) == source);

    const auto rgba = convert::toEngineRgba(source);
    CHECK(rgba.channels == 4);
    CHECK(rgba.pixel(20, 5)[3] == 255);
    CHECK(convert::toQImage(rgba).convertToFormat(QImage::Format_RGB888) == source);

    QImage mask(37, 11, QImage::Format_Grayscale8);
    mask.fill(0);
    mask.scanLine(10)[36] = 255;
    const auto engineMask = convert::toEngineMask(mask);
    CHECK(engineMask.channels == 1);
    CHECK(engineMask.bytes.size() == 37u * 11u);
    CHECK(engineMask.pixel(36, 10)[0] == 255);
    CHECK(convert::toQImage(engineMask) == mask);
}

TEST_CASE("Colour is handed to the engine unpremultiplied", "[app]") {
    const QImage translucent = TestImages::translucentPatch(4, 4, qRgb(200, 100, 50), 128);
    const auto rgba = convert::toEngineRgba(translucent);
    const std::uint8_t* p = rgba.pixel(1, 1);
    CHECK(std::abs(p[0] - 200) <= 1);
    CHECK(std::abs(p[1] - 100) <= 1);
    CHECK(std::abs(p[2] - 50) <= 1);
    CHECK(p[3] == 128);
}

TEST_CASE("A colour mask becomes gray, with transparent pixels counting as keep", "[app]") {
    QImage colour(4, 1, QImage::Format_ARGB32);
    colour.setPixel(0, 0, qRgba(255, 255, 255, 255));
    colour.setPixel(1, 0, qRgba(255, 255, 255, 0));
    colour.setPixel(2, 0, qRgba(0, 0, 0, 255));
    colour.setPixel(3, 0, qRgba(255, 0, 0, 255));
    const QImage mask = convert::toMaskImage(colour);
    REQUIRE(mask.format() == QImage::Format_Grayscale8);
    const uchar* row = mask.constScanLine(0);
    CHECK(row[0] == 255);
    CHECK(row[1] == 0);
    CHECK(row[2] == 0);
    CHECK(row[3] > 0);
    CHECK(row[3] < 255);
}

TEST_CASE("An inconsistent engine image converts to a null QImage, not a crash", "[app]") {
    limner::engine::Image broken(8, 8, 3);
    broken.bytes.resize(10);
    CHECK(convert::toQImage(broken).isNull());
    CHECK(convert::toQImage(limner::engine::Image()).isNull());
}
