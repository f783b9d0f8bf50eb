#include "TestImages.h"
#include "engine/imaging/ColorRangeSelect.h"
#include "engine/imaging/MagicWand.h"
#include "engine/imaging/MaskOps.h"
#include "engine/imaging/ObjectSelection.h"
#include "engine/imaging/RefineEdge.h"

#include <chrono>
#include <cstring>
#include <iostream>
#include <opencv2/imgproc.hpp>
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

cv::Mat view(const Image& image) {
    return cv::Mat(image.height, image.width, CV_8UC(image.channels),
                   const_cast<std::uint8_t*>(image.bytes.data()));
}

// Intersection over union of two masks, each cut at 128.
double iou(const Image& mask, const Image& truth) {
    long both = 0, either = 0;
    for (std::size_t i = 0; i < mask.bytes.size(); ++i) {
        const bool a = mask.bytes[i] >= 128, b = truth.bytes[i] >= 128;
        both += a && b;
        either += a || b;
    }
    return either == 0 ? 1.0 : static_cast<double>(both) / static_cast<double>(either);
}

// An object cut from one photograph (the pixels under shape) and pasted onto another at
// (dx, dy): the true mask is known because we made it.
struct Composite {
    std::string name;
    Image picture;
    Image truth;
    Rect bounds;
};

Composite paste(const std::string& name, const Image& background, const Image& source,
                const Image& shape, int dx, int dy) {
    Composite composite{name, background, Image(background.width, background.height, 1), {}};
    for (int y = 0; y < source.height; ++y) {
        for (int x = 0; x < source.width; ++x) {
            const int tx = x + dx, ty = y + dy;
            if (shape.pixel(x, y)[0] == 0 || tx < 0 || ty < 0 || tx >= background.width ||
                ty >= background.height)
                continue;
            std::memcpy(composite.picture.pixel(tx, ty), source.pixel(x, y), 3);
            composite.truth.pixel(tx, ty)[0] = 255;
        }
    }
    composite.bounds = maskBounds(composite.truth);
    return composite;
}

Image ellipseShape(const Image& source, int cx, int cy, int rx, int ry) {
    Image shape(source.width, source.height, 1);
    cv::Mat target = view(shape);
    cv::ellipse(target, cv::Point(cx, cy), cv::Size(rx, ry), 0, 0, 360, cv::Scalar(255), cv::FILLED);
    return shape;
}

Image starShape(const Image& source, int cx, int cy, int outer, int inner) {
    Image shape(source.width, source.height, 1);
    std::vector<cv::Point> points;
    for (int i = 0; i < 10; ++i) {
        const double angle = CV_PI * i / 5.0 - CV_PI / 2;
        const int r = i % 2 == 0 ? outer : inner;
        points.emplace_back(cx + static_cast<int>(r * std::cos(angle)),
                            cy + static_cast<int>(r * std::sin(angle)));
    }
    cv::Mat target = view(shape);
    cv::fillPoly(target, std::vector<std::vector<cv::Point>>{points}, cv::Scalar(255));
    return shape;
}

Image enlarged(const Image& image, double factor, int interpolation) {
    cv::Mat large;
    cv::resize(view(image), large, cv::Size(), factor, factor, interpolation);
    Image result(large.cols, large.rows, image.channels);
    large.copyTo(view(result));
    return result;
}

Rect withMargin(const Rect& r, int margin, const Image& picture) {
    return Rect{r.x - margin, r.y - margin, r.width + 2 * margin, r.height + 2 * margin}.intersected(
        Rect{0, 0, picture.width, picture.height});
}

Composite catOnAstronaut() {
    const Image cat = chelseaPhoto();
    return paste("cat's head on the astronaut", astronautPhoto(), cat,
                 ellipseShape(cat, 225, 150, 120, 100), -120, -60);
}

Composite cupOnAstronaut() {
    const Image coffee = coffeePhoto();
    return paste("coffee cup on the astronaut", astronautPhoto(), coffee,
                 ellipseShape(coffee, 290, 150, 115, 125), 10, 250);
}

Composite faceOnCoffee() {
    const Image astronaut = astronautPhoto();
    return paste("astronaut's face on the coffee", coffeePhoto(), astronaut,
                 ellipseShape(astronaut, 225, 115, 80, 100), 250, 60);
}

Composite starOnCat() {
    const Image astronaut = astronautPhoto();
    return paste("star of the astronaut's suit on the cat", chelseaPhoto(), astronaut,
                 starShape(astronaut, 180, 400, 100, 45), 50, -260);
}

Composite catOnCoffee() {
    const Image cat = chelseaPhoto();
    return paste("cat's head on the coffee", coffeePhoto(), cat, ellipseShape(cat, 225, 150, 110, 95),
                 150, 60);
}

// The first composite at 2.5 times the size, so GrabCut works on a reduced copy.
Composite largeCatOnAstronaut() {
    const Composite small = catOnAstronaut();
    Composite large{"cat's head on the astronaut, 1280×1280",
                    enlarged(small.picture, 2.5, cv::INTER_CUBIC),
                    enlarged(small.truth, 2.5, cv::INTER_NEAREST),
                    {}};
    large.bounds = maskBounds(large.truth);
    return large;
}

double selectAndMeasure(const Composite& composite, const std::vector<SelectionClick>& clicks = {},
                        const ObjectSelectionOptions& options = {}) {
    Image mask;
    const auto start = std::chrono::steady_clock::now();
    const Status status = selectObject(
        composite.picture, withMargin(composite.bounds, 12, composite.picture), clicks, options, mask);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO(status.message());
    REQUIRE(status.isOk());
    REQUIRE(mask.width == composite.picture.width);
    REQUIRE(mask.height == composite.picture.height);
    REQUIRE(mask.channels == 1);
    const double score = iou(mask, composite.truth);
    std::cout << "object selection, " << composite.name << (clicks.empty() ? "" : ", after clicks")
              << ": IoU " << score << " in " << seconds << " s" << std::endl;
    return score;
}

// Where a user would click to correct a selection: on the largest piece it got wrong (outside
// for a piece selected by mistake, inside for a piece of the object it missed), at that piece's
// pixel nearest its centre.
SelectionClick correctiveClick(const Image& mask, const Image& truth) {
    cv::Mat wronglyIn(mask.height, mask.width, CV_8U), wronglyOut(mask.height, mask.width, CV_8U);
    for (int y = 0; y < mask.height; ++y) {
        for (int x = 0; x < mask.width; ++x) {
            const bool selected = mask.pixel(x, y)[0] >= 128, object = truth.pixel(x, y)[0] >= 128;
            wronglyIn.at<std::uint8_t>(y, x) = selected && !object ? 255 : 0;
            wronglyOut.at<std::uint8_t>(y, x) = object && !selected ? 255 : 0;
        }
    }
    SelectionClick best;
    int bestArea = 0;
    for (const bool inside : {false, true}) {
        cv::Mat labels, stats, centroids;
        const int count = cv::connectedComponentsWithStats(inside ? wronglyOut : wronglyIn, labels,
                                                           stats, centroids, 8, CV_32S);
        for (int label = 1; label < count; ++label) {
            const int area = stats.at<int>(label, cv::CC_STAT_AREA);
            if (area <= bestArea)
                continue;
            bestArea = area;
            const double cx = centroids.at<double>(label, 0), cy = centroids.at<double>(label, 1);
            double nearest = 1e18;
            for (int y = 0; y < labels.rows; ++y) {
                for (int x = 0; x < labels.cols; ++x) {
                    const double d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    if (labels.at<int>(y, x) == label && d < nearest) {
                        nearest = d;
                        best = SelectionClick{x, y, inside};
                    }
                }
            }
        }
    }
    return best;
}

Image selectionOf(const Composite& composite, const std::vector<SelectionClick>& clicks = {}) {
    Image mask;
    REQUIRE(selectObject(composite.picture, withMargin(composite.bounds, 12, composite.picture), clicks,
                         {}, mask)
                .isOk());
    return mask;
}

// A mask with the object's outline lost: drawn on a grid of block × block px.
Image blocky(const Image& mask, int block) {
    cv::Mat small, large;
    cv::resize(view(mask), small, cv::Size(mask.width / block, mask.height / block), 0, 0,
               cv::INTER_AREA);
    cv::threshold(small, small, 127, 255, cv::THRESH_BINARY);
    cv::resize(small, large, cv::Size(mask.width, mask.height), 0, 0, cv::INTER_NEAREST);
    Image result(mask.width, mask.height, 1);
    large.copyTo(view(result));
    return result;
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

TEST_CASE("object selection from a box finds a pasted object", "[selection][grabcut]") {
    for (const Composite& composite :
         {catOnAstronaut(), cupOnAstronaut(), faceOnCoffee(), catOnCoffee(), largeCatOnAstronaut()}) {
        INFO(composite.name);
        CHECK(selectAndMeasure(composite) >= 0.9);
    }
}

TEST_CASE("one corrective click on a hard object selection does not make it worse",
          "[selection][grabcut]") {
    // The star's box also holds the cat's eyes, whose colours appear nowhere outside it, so
    // GrabCut takes them for part of the object until told otherwise.
    const Composite composite = starOnCat();
    const double before = selectAndMeasure(composite);
    const SelectionClick click = correctiveClick(selectionOf(composite), composite.truth);
    std::cout << "corrective click at (" << click.x << ", " << click.y << "), "
              << (click.inside ? "inside" : "outside") << std::endl;
    const double once = selectAndMeasure(composite, {click});
    CHECK(once >= before);
    CHECK(once >= 0.9);
}

TEST_CASE("refine edge snaps a coarse mask to the object's outline", "[selection]") {
    for (const Composite& composite : {catOnAstronaut(), faceOnCoffee(), cupOnAstronaut()}) {
        INFO(composite.name);
        for (const bool grown : {false, true}) {
            const Image coarse = grown ? growMask(composite.truth, 4) : blocky(composite.truth, 8);
            Image refined;
            REQUIRE(refineMaskEdge(composite.picture, coarse, {}, refined).isOk());
            const double before = iou(coarse, composite.truth), after = iou(refined, composite.truth);
            std::cout << "refine edge, " << composite.name << ", "
                      << (grown ? "grown by 4 px" : "drawn on 8-px blocks") << ": IoU " << before
                      << " → " << after << std::endl;
            CHECK(after > before);
        }
    }
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

    refused(refineMaskEdge(picture, Image(100, 150, 1), {}, mask),
            "the mask is 100×150 but the picture is 200×150");
    refused(refineMaskEdge(picture, Image(200, 150, 3), {}, mask), "1-channel mask");
    refused(refineMaskEdge(picture, Image(200, 150, 1), {0, 1e-3}, mask), "radius");
    refused(refineMaskEdge(picture, Image(200, 150, 1), {8, 0.0}, mask), "epsilon");

    refused(selectObject(Image{}, Rect{0, 0, 10, 10}, {}, {}, mask), "empty");
    refused(selectObject(grey, Rect{10, 10, 50, 50}, {}, {}, mask), "RGB or RGBA");
    refused(selectObject(picture, Rect{10, 10, 0, 50}, {}, {}, mask), "draw it around the object");
    refused(selectObject(picture, Rect{300, 10, 50, 50}, {}, {}, mask), "draw it around the object");
    refused(selectObject(picture, Rect{196, 10, 50, 50}, {}, {}, mask), "less than 8×8");
    refused(selectObject(picture, Rect{-5, -5, 300, 300}, {}, {}, mask), "covers the whole picture");
    refused(selectObject(picture, Rect{10, 10, 50, 50}, {{20, 150, true}}, {}, mask),
            "the click at (20, 150) is outside");
    ObjectSelectionOptions noRounds;
    noRounds.iterations = 0;
    refused(selectObject(picture, Rect{10, 10, 50, 50}, {}, noRounds, mask), "rounds");
}

TEST_CASE("object selection takes RGBA and gives the same answer every time", "[selection][grabcut]") {
    const Composite composite = faceOnCoffee();
    Image rgba(composite.picture.width, composite.picture.height, 4, 255);
    for (int y = 0; y < rgba.height; ++y)
        for (int x = 0; x < rgba.width; ++x)
            std::memcpy(rgba.pixel(x, y), composite.picture.pixel(x, y), 3);
    const Rect box = withMargin(composite.bounds, 12, composite.picture);
    Image fromRgb, fromRgba, again;
    REQUIRE(selectObject(composite.picture, box, {}, {}, fromRgb).isOk());
    REQUIRE(selectObject(rgba, box, {}, {}, fromRgba).isOk());
    REQUIRE(selectObject(composite.picture, box, {}, {}, again).isOk());
    CHECK(fromRgba == fromRgb);
    CHECK(again == fromRgb);
}
