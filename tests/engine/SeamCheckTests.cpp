// The seam check: what a user would call a visible seam (a colour step or a hard line where a
// fill meets the picture) is flagged with figures, and what blends in passes, including a
// boundary that follows an edge the picture already had.
#include "TestImages.h"
#include "engine/imaging/MaskOps.h"
#include "engine/imaging/Reblend.h"
#include "engine/imaging/SeamCheck.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>

using namespace limner::engine;
using namespace limner::engine::imaging;
using namespace limner::engine::test;

namespace {

Image crop(const Image& image, int x0, int y0, int w, int h) {
    Image out(w, h, image.channels);
    for (int y = 0; y < h; ++y)
        std::copy_n(image.row(y0 + y) + x0 * image.channels, w * image.channels, out.row(y));
    return out;
}

// An RGBA layer: rgb's colours, alpha's levels.
Image layerOf(const Image& rgb, const Image& alpha) {
    Image layer(rgb.width, rgb.height, 4);
    for (int y = 0; y < rgb.height; ++y)
        for (int x = 0; x < rgb.width; ++x) {
            std::copy_n(rgb.pixel(x, y), 3, layer.pixel(x, y));
            layer.pixel(x, y)[3] = alpha.pixel(x, y)[0];
        }
    return layer;
}

Image brighter(const Image& rgb, int by) {
    Image out = rgb;
    for (std::uint8_t& v : out.bytes)
        v = static_cast<std::uint8_t>(std::min(255, v + by));
    return out;
}

} // namespace

TEST_CASE("the seam check passes a fill that matches and flags a colour step, with a heatmap",
          "[seam]") {
    const Image photo = crop(coffeePhoto(), 100, 80, 200, 160);
    const Image mask = discMask(200, 160, 100, 80, 40);
    const Image alpha = featherMask(growMask(mask, 4), 4);
    SeamReport same, shifted;
    REQUIRE(checkSeam(photo, layerOf(photo, alpha), mask, {}, same).isOk());
    REQUIRE(checkSeam(photo, layerOf(brighter(photo, 40), alpha), mask, {}, shifted).isOk());
    std::cout << "seam check: same pixels " << same.colorStep << " ΔE, edge " << same.edgeRatio
              << "; 40 levels brighter " << shifted.colorStep << " ΔE, edge " << shifted.edgeRatio
              << " (" << shifted.reason << ")\n";
    CHECK_FALSE(same.visible);
    CHECK(same.colorStep < 1.0);
    CHECK(shifted.visible);
    CHECK(shifted.colorStep > 5.0);
    CHECK(shifted.reason.find("colour step") != std::string::npos);
    CHECK(*std::max_element(shifted.heatmap.bytes.begin(), shifted.heatmap.bytes.end()) > 100);
    // The heatmap lies on the boundary, not in the middle of the fill or far outside it.
    CHECK(shifted.heatmap.pixel(100, 80)[0] == 0);
    CHECK(shifted.heatmap.pixel(5, 5)[0] == 0);
    // More change outside the mask than the feather allows is reported too.
    CHECK(shifted.changeOutside > same.changeOutside);
}

TEST_CASE("the seam check's fixes work: a wider feather or colour match makes the step pass",
          "[seam]") {
    const Image photo = crop(coffeePhoto(), 100, 80, 200, 160);
    const Image mask = discMask(200, 160, 100, 80, 40);
    const Image fill = brighter(photo, 25);
    SeamReport hard, feathered;
    REQUIRE(checkSeam(photo, layerOf(fill, growMask(mask, 2)), mask, {}, hard).isOk());
    REQUIRE(checkSeam(photo, layerOf(fill, featherMask(growMask(mask, 16), 16)), mask, {}, feathered)
                .isOk());
    std::cout << "seam check: hard edge " << hard.colorStep << " ΔE / edge " << hard.edgeRatio
              << ", 16 px feather " << feathered.colorStep << " / " << feathered.edgeRatio << "\n";
    CHECK(hard.visible);
    CHECK_FALSE(feathered.visible);
    CHECK(feathered.colorStep < hard.colorStep);

    // A wall of one texture, the fill 25 levels too bright: colour match (re-blend, no new
    // generation) brings it back.
    Image wall(200, 160, 3);
    std::uint32_t state = 12345;
    for (std::uint8_t& v : wall.bytes) {
        state = state * 1664525u + 1013904223u;
        v = static_cast<std::uint8_t>(110 + (state >> 24) % 30);
    }
    const Image wallFill = brighter(wall, 25);
    ReblendSettings settings;
    settings.blendFeather = 6;
    settings.blendGrow = 2;
    settings.denoiseGrow = 24;
    settings.colorMatch = ColorMatchMode::Off;
    Image plain, matched;
    REQUIRE(reblendCandidate(wallFill, wall, mask, settings, plain).isOk());
    settings.colorMatch = ColorMatchMode::Statistics;
    REQUIRE(reblendCandidate(wallFill, wall, mask, settings, matched).isOk());
    SeamReport before, after;
    REQUIRE(checkSeam(wall, plain, mask, {}, before).isOk());
    REQUIRE(checkSeam(wall, matched, mask, {}, after).isOk());
    std::cout << "seam check on a wall: no colour match " << before.colorStep << " ΔE, colour match "
              << after.colorStep << " ΔE\n";
    CHECK(before.visible);
    CHECK_FALSE(after.visible);
    // Colour match moved the fill's colours back by 25 levels: that is what fillChange() sees
    // (about 10 ΔE), and far less than a fill turned into another colour would show.
    double matchChange = 0, sameChange = 0, recolour = 0;
    REQUIRE(fillChange(wall, plain, matched, mask, matchChange).isOk());
    REQUIRE(fillChange(wall, plain, plain, mask, sameChange).isOk());
    Image yellow = wallFill;
    for (int i = 0; i < yellow.width * yellow.height; ++i)
        yellow.bytes[std::size_t(3 * i + 2)] = 0;
    Image yellowLayer;
    settings.colorMatch = ColorMatchMode::Off;
    REQUIRE(reblendCandidate(yellow, wall, mask, settings, yellowLayer).isOk());
    REQUIRE(fillChange(wall, plain, yellowLayer, mask, recolour).isOk());
    std::cout << "fill change: same " << sameChange << ", colour match " << matchChange
              << ", recoloured " << recolour << " ΔE\n";
    CHECK(sameChange == 0.0);
    CHECK(matchChange > 0.0);
    CHECK(recolour > 3 * matchChange);
}

TEST_CASE("a boundary that follows an edge of the picture itself is not a seam", "[seam]") {
    // Dark left, light right; the layer is the picture's own right half with a hard edge there.
    Image picture(120, 80, 3);
    for (int y = 0; y < 80; ++y)
        for (int x = 0; x < 120; ++x)
            std::fill_n(picture.pixel(x, y), 3, std::uint8_t(x < 60 ? 40 : 210));
    Image alpha(120, 80, 1);
    for (int y = 0; y < 80; ++y)
        for (int x = 60; x < 120; ++x)
            alpha.pixel(x, y)[0] = 255;
    SeamReport report;
    REQUIRE(checkSeam(picture, layerOf(picture, alpha), alpha, {}, report).isOk());
    CHECK_FALSE(report.visible);
    CHECK(report.colorStep < 1.0);
    CHECK(report.edgeRatio <= 1.01);
}

TEST_CASE("the seam check refuses mismatched inputs with a message", "[seam]") {
    SeamReport report;
    CHECK(checkSeam(Image(10, 10, 3), Image(12, 10, 4), {}, {}, report).code() ==
          Status::Code::BadInput);
    CHECK(checkSeam(Image(10, 10, 3), Image(10, 10, 3), {}, {}, report).code() ==
          Status::Code::BadInput);
    CHECK(checkSeam(Image(10, 10, 3), Image(10, 10, 4), Image(5, 5, 1), {}, report).code() ==
          Status::Code::BadInput);
}

TEST_CASE("a fill smoother than the textured picture around it is flagged", "[seam]") {
    // Grass-like noise; one fill is the same kind of noise, the other a flat average.
    Image grass(160, 160, 3), other(160, 160, 3);
    std::uint32_t state = 99;
    for (std::size_t i = 0; i < grass.bytes.size(); ++i) {
        state = state * 1664525u + 1013904223u;
        grass.bytes[i] = static_cast<std::uint8_t>(60 + (state >> 24) % 120);
        state = state * 1664525u + 1013904223u;
        other.bytes[i] = static_cast<std::uint8_t>(60 + (state >> 24) % 120);
    }
    Image flat = grass;
    std::fill(flat.bytes.begin(), flat.bytes.end(), std::uint8_t(120));
    const Image mask = discMask(160, 160, 80, 80, 35);
    const Image alpha = featherMask(growMask(mask, 3), 3);
    SeamReport textured, smooth;
    REQUIRE(checkSeam(grass, layerOf(other, alpha), mask, {}, textured).isOk());
    REQUIRE(checkSeam(grass, layerOf(flat, alpha), mask, {}, smooth).isOk());
    std::cout << "seam check texture: same texture ×" << textured.textureRatio << ", flat fill ×"
              << smooth.textureRatio << " (" << smooth.reason << ")\n";
    CHECK(textured.textureRatio > 0.8);
    CHECK(smooth.visible);
    CHECK(smooth.textureRatio < 0.5);
    CHECK(smooth.reason.find("smoother") != std::string::npos);
}
