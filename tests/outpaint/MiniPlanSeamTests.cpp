// The frames of a multi-frame outpaint planned for a diffusion model, measured where a real
// model fills them: limner-mini (the bundled model, 128-px frames) outpaints scenes of its own
// world 200 px to the right and 100 px down, as `limner-cli outpaint` does for a user.

#include "FrameBorderSteps.h"
#include "app/ImageConvert.h"
#include "engine/imaging/OutpaintFramePlan.h"
#include "engine/ml/train/World.h"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace limner::engine;
namespace app = limner::app;

namespace {

namespace world = limner::engine::ml::train;

constexpr int kRight = 200, kDown = 100, kFrame = 128; // limner-mini's native size

// The scene's pixels as a picture to save.
QImage sceneImage(const world::Scene& scene) {
    const std::vector<std::uint8_t> rgb = world::render(scene);
    const int side = world::kSceneSide;
    return QImage(rgb.data(), side, side, side * 3, QImage::Format_RGB888).copy();
}

} // namespace

// A frame's border shows when the step across it stands out from the fill's own texture: the
// same measure across the frames' middle lines, where no border lies, is that texture. (The
// photo tests hold smooth Telea fills to an absolute ΔE; the model draws textures, waves and
// wood grain, whose own 8-px strips differ by 7-11 ΔE at the 95th percentile.) One picture has
// only about 90 middle-line segments, so its 95th percentile is the fifth largest step; the
// four scenes are pooled.
TEST_CASE("limner-mini's planned outpaint meets at its frame borders no more visibly than its own "
          "texture",
          "[outpaint][plan][seam][model]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    std::vector<double> borders, midlines;
    // The first scenes of the evaluation stream (seed 2), which training never saw.
    for (std::uint64_t n = 0; n < 4; ++n) {
        const world::Scene scene = world::makeScene(2, n);
        const QString input = dir.filePath(QStringLiteral("scene-%1.png").arg(n));
        const QString output = dir.filePath(QStringLiteral("out-%1.png").arg(n));
        REQUIRE(sceneImage(scene).save(input));
        QProcess cli;
        cli.start(QStringLiteral(LIMNER_CLI_PATH),
                  {QStringLiteral("outpaint"), QStringLiteral("--image"), input,
                   QStringLiteral("--model"), QStringLiteral(LIMNER_MINI_MODEL),
                   QStringLiteral("--right"), QString::number(kRight), QStringLiteral("--bottom"),
                   QString::number(kDown), QStringLiteral("--seed"), QStringLiteral("1"),
                   QStringLiteral("--out"), output});
        REQUIRE(cli.waitForFinished(300000));
        INFO("scene " << n << " (" << world::backgroundWord(scene.background)
                      << "): " << cli.readAllStandardError().toStdString());
        REQUIRE(cli.exitCode() == 0);
        const Image result = app::ImageConvert::toEngineRgb(QImage(output));
        REQUIRE(result.width == world::kSceneSide + kRight);
        REQUIRE(result.height == world::kSceneSide + kDown);

        Image newArea(result.width, result.height, 1, 255);
        for (int y = 0; y < world::kSceneSide; ++y)
            std::fill_n(newArea.pixel(0, y), world::kSceneSide, 0);
        const std::vector<Rect> frames =
            imaging::planOutpaintFrames(newArea, kFrame, kFrame, kFrame / 8);
        REQUIRE(frames.size() > 4);
        test::collectFrameBorderSteps(result, newArea, frames, borders, midlines);
    }
    const test::StepStats across = test::stepStats(borders), texture = test::stepStats(midlines);
    REQUIRE(across.segments > 400);
    REQUIRE(texture.segments > 200);
    INFO("border steps: mean " << across.mean << ", p95 " << across.p95 << ", max " << across.max
                               << "; middle lines: mean " << texture.mean << ", p95 " << texture.p95
                               << ", max " << texture.max);
    CHECK(across.p95 <= texture.p95);
    CHECK(across.mean <= texture.mean);
}
