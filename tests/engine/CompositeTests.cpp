#include "TestImages.h"
#include "engine/imaging/Composite.h"

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

namespace {

Image layerWithAlpha(int width, int height, std::uint8_t alpha) {
    Image layer(width, height, 4);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = layer.pixel(x, y);
            p[0] = static_cast<std::uint8_t>(10 * x);
            p[1] = static_cast<std::uint8_t>(10 * y);
            p[2] = 200;
            p[3] = alpha;
        }
    return layer;
}

} // namespace

TEST_CASE("a transparent layer leaves the photo bit-identical", "[composite]") {
    const Image photo = chelseaPhoto();
    CHECK(compositeOver(photo, layerWithAlpha(20, 20, 0), 100, 100) == photo);
}

TEST_CASE("an opaque layer replaces exactly the pixels it covers", "[composite]") {
    const Image photo = chelseaPhoto();
    const Image layer = layerWithAlpha(20, 10, 255);
    const Image out = compositeOver(photo, layer, 30, 40);
    CHECK(differingPixels(out, photo) <= 200);
    for (int y = 0; y < 10; ++y)
        for (int x = 0; x < 20; ++x)
            for (int c = 0; c < 3; ++c)
                REQUIRE(out.pixel(30 + x, 40 + y)[c] == layer.pixel(x, y)[c]);
    CHECK(std::equal(out.pixel(0, 0), out.pixel(0, 0) + 3, photo.pixel(0, 0)));
    CHECK(std::equal(out.pixel(50, 40), out.pixel(50, 40) + 3, photo.pixel(50, 40)));
}

TEST_CASE("a layer partly outside the canvas is clipped, not shifted", "[composite]") {
    const Image photo = coffeePhoto();
    const Image layer = layerWithAlpha(20, 20, 255);
    const Image out = compositeOver(photo, layer, -5, photo.height - 8);
    CHECK(out.width == photo.width);
    CHECK(out.height == photo.height);
    CHECK(differingPixels(out, photo) <= 15 * 8);
    CHECK(out.pixel(0, photo.height - 8)[0] == layer.pixel(5, 0)[0]);
    CHECK(compositeOver(photo, layer, photo.width, 0) == photo);
}

TEST_CASE("half-transparent layers mix with the base", "[composite]") {
    Image base(1, 1, 3, 100);
    Image layer(1, 1, 4, 200);
    layer.pixel(0, 0)[3] = 128;
    const Image out = compositeOver(base, layer, 0, 0);
    CHECK(int(out.pixel(0, 0)[0]) == 150);

    Image transparentBase(1, 1, 4, 0);
    const Image onTransparent = compositeOver(transparentBase, layer, 0, 0);
    CHECK(int(onTransparent.pixel(0, 0)[0]) == 200); // colour is the layer's, not darkened
    CHECK(int(onTransparent.pixel(0, 0)[3]) == 128);
}

TEST_CASE("compositeOver keeps the base's channels and ignores unusable layers", "[composite]") {
    Image rgba(4, 4, 4, 77);
    const Image out = compositeOver(rgba, layerWithAlpha(2, 2, 0), 1, 1);
    CHECK(out == rgba);
    CHECK(out.channels == 4);
    const Image rgbLayer(2, 2, 3, 9);
    CHECK(compositeOver(rgba, rgbLayer, 0, 0) == rgba);
}
