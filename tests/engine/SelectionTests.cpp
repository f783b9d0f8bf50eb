#include "TestImages.h"
#include "engine/imaging/ColorRangeSelect.h"
#include "engine/imaging/MagicWand.h"
#include "engine/imaging/MaskOps.h"

#include <string>

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

namespace {

const std::uint8_t kBackground[3] = {30, 60, 90};
const std::uint8_t kRed[3] = {200, 40, 40};
const std::uint8_t kNearRed[3] = {210, 50, 45}; // 10 levels from kRed at most
const std::uint8_t kGreen[3] = {40, 200, 60};

// Flat regions of exact colours: two separate red rectangles, a near-red one touching the first,
// and a green disc, on a blue-grey ground.
struct FlatScene {
    Image picture{200, 150, 3};
    Rect red{20, 20, 50, 40};
    Rect otherRed{120, 80, 60, 50};
    Rect nearRed{70, 20, 30, 40};
    int discX = 150, discY = 35, discRadius = 20;

    FlatScene() {
        fillRect(picture, Rect{0, 0, picture.width, picture.height}, kBackground);
        fillRect(picture, red, kRed);
        fillRect(picture, otherRed, kRed);
        fillRect(picture, nearRed, kNearRed);
        fillDisc(picture, discX, discY, discRadius, kGreen);
    }
};

Image unite(const Image& a, const Image& b) {
    Image united = a;
    for (std::size_t i = 0; i < united.bytes.size(); ++i)
        united.bytes[i] = std::max(a.bytes[i], b.bytes[i]);
    return united;
}

} // namespace

TEST_CASE("the magic wand selects exactly a flat region of one colour", "[selection]") {
    const FlatScene scene;
    const int w = scene.picture.width, h = scene.picture.height;
    Image mask;
    SECTION("contiguous: the clicked rectangle and nothing else") {
        REQUIRE(magicWandSelect(scene.picture, 30, 30, {0, true, true}, mask).isOk());
        CHECK(mask == rectMask(w, h, scene.red));
    }
    SECTION("contiguous: a disc") {
        REQUIRE(magicWandSelect(scene.picture, scene.discX, scene.discY, {0, true, true}, mask).isOk());
        CHECK(mask == discMask(w, h, scene.discX, scene.discY, scene.discRadius));
    }
    SECTION("global: every region of the clicked colour") {
        REQUIRE(magicWandSelect(scene.picture, 30, 30, {0, false, true}, mask).isOk());
        CHECK(mask == unite(rectMask(w, h, scene.red), rectMask(w, h, scene.otherRed)));
    }
    SECTION("a tolerance takes in the touching near colour, contiguous only where it touches") {
        REQUIRE(magicWandSelect(scene.picture, 30, 30, {12, true, true}, mask).isOk());
        CHECK(mask == unite(rectMask(w, h, scene.red), rectMask(w, h, scene.nearRed)));
        // Just past the tolerance the touching column of near red is antialiased; well past it,
        // or without antialiasing, the red rectangle stands alone.
        REQUIRE(magicWandSelect(scene.picture, 30, 30, {9, true, true}, mask).isOk());
        CHECK(mask.pixel(scene.nearRed.x, 30)[0] == 191);
        CHECK(mask.pixel(scene.nearRed.x + 1, 30)[0] == 0);
        REQUIRE(magicWandSelect(scene.picture, 30, 30, {9, true, false}, mask).isOk());
        CHECK(mask == rectMask(w, h, scene.red));
        REQUIRE(magicWandSelect(scene.picture, 30, 30, {5, true, true}, mask).isOk());
        CHECK(mask == rectMask(w, h, scene.red));
        REQUIRE(magicWandSelect(scene.picture, 30, 30, {12, false, true}, mask).isOk());
        CHECK(mask == unite(unite(rectMask(w, h, scene.red), rectMask(w, h, scene.otherRed)),
                            rectMask(w, h, scene.nearRed)));
    }
}

TEST_CASE("the magic wand's antialiasing softens a 1-px edge and nothing more", "[selection]") {
    // Black on the left, light grey on the right, and between them one column of the colour
    // half way: the mixed pixels of an anti-aliased edge.
    Image picture(40, 20, 3);
    const std::uint8_t grey[3] = {200, 200, 200}, mid[3] = {100, 100, 100};
    fillRect(picture, Rect{20, 0, 20, 20}, mid);
    fillRect(picture, Rect{21, 0, 19, 20}, grey);
    Image soft, hard;
    // Tolerance 80: the ramp runs from 80 to 120, so the mid column (100) is half selected.
    REQUIRE(magicWandSelect(picture, 2, 2, {80, true, true}, soft).isOk());
    REQUIRE(magicWandSelect(picture, 2, 2, {80, true, false}, hard).isOk());
    CHECK(soft.pixel(19, 5)[0] == 255);
    CHECK(soft.pixel(20, 5)[0] == 128);
    CHECK(soft.pixel(21, 5)[0] == 0);
    CHECK(hard.pixel(20, 5)[0] == 0);
    CHECK(hard == rectMask(40, 20, Rect{0, 0, 20, 20}));
}

TEST_CASE("select by colour range picks every pixel of a colour in a photograph", "[selection]") {
    Image picture = coffeePhoto();
    const std::uint8_t cyan[3] = {12, 200, 240}; // a colour the coffee photograph does not hold
    fillDisc(picture, 100, 100, 30, cyan);
    fillDisc(picture, 500, 300, 12, cyan);
    fillRect(picture, Rect{300, 10, 40, 7}, cyan);
    const Image painted =
        unite(unite(discMask(600, 400, 100, 100, 30), discMask(600, 400, 500, 300, 12)),
              rectMask(600, 400, Rect{300, 10, 40, 7}));
    Image mask;
    REQUIRE(selectColorRange(picture, {12, 200, 240}, 0, true, mask).isOk());
    CHECK(mask == painted);
    REQUIRE(selectColorRange(picture, {20, 190, 230}, 10, true, mask).isOk());
    CHECK(mask == painted);
    REQUIRE(selectColorRange(picture, {20, 190, 230}, 9, true, mask).isOk());
    CHECK(maskIsEmpty(mask));
}

TEST_CASE("selections refuse bad input with a message and leave the mask alone", "[selection]") {
    const Image picture = FlatScene().picture;
    const Image grey(200, 150, 1);
    const Image untouched(3, 3, 1, 7);
    Image mask = untouched;
    auto refused = [&](const Status& status, const std::string& expected) {
        INFO(status.message());
        CHECK(status.code() == Status::Code::BadInput);
        CHECK(status.message().find(expected) != std::string::npos);
        CHECK(mask == untouched);
    };
    refused(magicWandSelect(Image{}, 0, 0, {}, mask), "empty");
    refused(magicWandSelect(grey, 0, 0, {}, mask), "RGB or RGBA");
    refused(magicWandSelect(picture, 200, 10, {}, mask), "(200, 10) is outside the 200×150 picture");
    refused(magicWandSelect(picture, 5, -1, {}, mask), "outside");
    refused(magicWandSelect(picture, 5, 5, {256, true, true}, mask), "tolerance must be 0 to 255");
    refused(selectColorRange(grey, {1, 2, 3}, 10, true, mask), "RGB or RGBA");
    refused(selectColorRange(picture, {1, 2, 3}, -1, true, mask), "tolerance");
}
