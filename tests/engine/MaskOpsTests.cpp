#include "TestImages.h"
#include "engine/imaging/MaskOps.h"

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

TEST_CASE("maskBounds is the bounding box of the painted pixels", "[mask]") {
    Image mask(40, 30, 1);
    CHECK(maskBounds(mask).empty());
    CHECK(maskIsEmpty(mask));
    mask.pixel(5, 7)[0] = 255;
    CHECK(maskBounds(mask) == Rect{5, 7, 1, 1});
    mask.pixel(31, 20)[0] = 1; // a faint stroke still counts
    CHECK(maskBounds(mask) == Rect{5, 7, 27, 14});
    CHECK_FALSE(maskIsEmpty(mask));
    CHECK(maskBounds(Image{}).empty());
    CHECK(maskIsEmpty(Image{}));
}

TEST_CASE("growMask grows by a round brush", "[mask]") {
    Image dot(21, 21, 1);
    dot.pixel(10, 10)[0] = 255;
    const Image grown = growMask(dot, 3);
    // A disc of radius 3 on the pixel grid holds 29 pixels; a square brush would give 49.
    CHECK(maskArea(grown) == 29);
    CHECK(grown.pixel(13, 10)[0] == 255);
    CHECK(grown.pixel(12, 12)[0] == 255);
    CHECK(grown.pixel(13, 13)[0] == 0);
    CHECK(grown.pixel(13, 11)[0] == 0);
    CHECK(maskBounds(grown) == Rect{7, 7, 7, 7});
}

TEST_CASE("shrinkMask eats the mask's edge but not at the canvas border", "[mask]") {
    const Image square = rectMask(40, 40, Rect{10, 10, 21, 21});
    CHECK(maskBounds(shrinkMask(square, 3)) == Rect{13, 13, 15, 15});
    CHECK(maskIsEmpty(shrinkMask(square, 11)));

    const Image atCorner = rectMask(40, 40, Rect{0, 0, 20, 20});
    CHECK(maskBounds(shrinkMask(atCorner, 4)) == Rect{0, 0, 16, 16});
    const Image whole = rectMask(16, 16, Rect{0, 0, 16, 16});
    CHECK(shrinkMask(whole, 4) == whole);
}

TEST_CASE("grow then shrink restores a convex mask", "[mask]") {
    const Image disc = discMask(80, 80, 40, 40, 15);
    CHECK(shrinkMask(growMask(disc, 6), 6) == disc);
}

TEST_CASE("growMask and shrinkMask leave the mask alone for zero or negative sizes", "[mask]") {
    Image soft = discMask(30, 30, 15, 15, 6);
    soft.pixel(15, 15)[0] = 100;
    CHECK(growMask(soft, 0) == soft);
    CHECK(shrinkMask(soft, -2) == soft);
}

TEST_CASE("invertMask swaps keep and regenerate", "[mask]") {
    Image mask = discMask(30, 20, 10, 10, 5);
    mask.pixel(0, 0)[0] = 40;
    const Image inverted = invertMask(mask);
    CHECK(inverted.pixel(10, 10)[0] == 0);
    CHECK(inverted.pixel(29, 19)[0] == 255);
    CHECK(inverted.pixel(0, 0)[0] == 215);
    CHECK(invertMask(inverted) == mask);
}

TEST_CASE("featherMask softens only near the edge", "[mask]") {
    const Image square = rectMask(60, 60, Rect{20, 20, 20, 20});
    const Image soft = featherMask(square, 4);
    CHECK(soft.pixel(30, 30)[0] == 255);
    CHECK(soft.pixel(5, 5)[0] == 0);
    CHECK(soft.pixel(15, 30)[0] == 0);
    CHECK(soft.pixel(20, 30)[0] > 0);
    CHECK(soft.pixel(20, 30)[0] < 255);
    CHECK(soft.pixel(19, 30)[0] > 0);
}
