// The face-edit guard: a model job whose mask touches a face in a photograph asks (Standard) or
// is refused (Strict); masks away from faces, pictures without faces, classical fills and the
// Off level go through.
#include "app/ImageConvert.h"
#include "app/policy/ContentPolicy.h"
#include "app/policy/GenerationGuard.h"
#include "engine/imaging/FaceDetector.h"
#include "engine/service/InpaintRequest.h"

#include <QImage>
#include <catch2/catch.hpp>

using namespace limner;
using Outcome = app::GenerationVerdict::Outcome;
using Level = app::ContentPolicy::Level;

namespace {

QImage astronaut() {
    return QImage(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png"));
}

engine::InpaintRequest request(const QImage& picture, const QRect& hole) {
    engine::InpaintRequest r;
    r.image = app::ImageConvert::toEngineRgb(picture);
    QImage mask(picture.size(), QImage::Format_Grayscale8);
    mask.fill(0);
    for (int y = hole.top(); y <= hole.bottom(); ++y)
        std::fill_n(mask.scanLine(y) + hole.left(), hole.width(), uchar(255));
    r.mask = app::ImageConvert::toEngineMask(mask);
    r.prompt = "a smiling face";
    r.backend = "limner-mini";
    return r;
}

app::ContentPolicy policyAt(Level level) {
    app::ContentPolicy policy;
    policy.level = level;
    return policy;
}

} // namespace

TEST_CASE("Face detector finds the face in the sample portrait and none in the other samples",
          "[policy][faces]") {
    const auto detector = engine::imaging::FaceDetector::fromSystem();
    INFO(detector.description());
    REQUIRE(detector.isAvailable()); // opencv-data is installed by scripts/setup
    const QImage portrait = astronaut();
    REQUIRE_FALSE(portrait.isNull());
    const auto faces = detector.detect(app::ImageConvert::toEngineRgb(portrait));
    REQUIRE(faces.size() == 1);
    // Eileen Collins' face sits around (210, 110) in the 512 × 512 picture.
    CHECK(faces[0].contains(210, 110));
    CHECK(faces[0].width < 200);
    for (const char* name : {"coffee.png", "chelsea.png"}) {
        INFO(name);
        const QImage photo(QStringLiteral(LIMNER_TEST_DATA_DIR "/") + QLatin1String(name));
        REQUIRE_FALSE(photo.isNull());
        CHECK(detector.detect(app::ImageConvert::toEngineRgb(photo)).empty());
    }
}

TEST_CASE("Face guard asks in Standard, refuses in Strict and is silent when the mask misses the face",
          "[policy][faces]") {
    const auto detector = engine::imaging::FaceDetector::fromSystem();
    REQUIRE(detector.isAvailable());
    const QImage portrait = astronaut();
    const auto onFace = request(portrait, QRect(180, 80, 60, 60));
    const auto onShoulder = request(portrait, QRect(380, 400, 80, 80));

    const auto standard =
        app::GenerationGuard::check(onFace, policyAt(Level::Standard), true, &detector);
    CHECK(standard.outcome == Outcome::Confirm);
    CHECK(standard.message.contains(QStringLiteral("deepfake")));
    CHECK(standard.faces.size() == 1);
    const auto strict = app::GenerationGuard::check(onFace, policyAt(Level::Strict), true, &detector);
    CHECK(strict.outcome == Outcome::Refuse);
    CHECK(strict.message.startsWith(QStringLiteral("refused by the content policy (Strict)")));
    CHECK(app::GenerationGuard::check(onFace, policyAt(Level::Off), true, &detector).allowed());
    // Classical fills are not generative models: never stopped.
    CHECK(app::GenerationGuard::check(onFace, policyAt(Level::Strict), false, &detector).allowed());
    CHECK(app::GenerationGuard::check(onShoulder, policyAt(Level::Strict), true, &detector).allowed());
    // A drawn face (flat colours) is not a photograph of a person.
    QImage drawn(256, 256, QImage::Format_RGB32);
    drawn.fill(qRgb(250, 220, 180));
    CHECK(app::GenerationGuard::check(request(drawn, QRect(60, 60, 100, 100)), policyAt(Level::Strict),
                                      true, &detector)
              .allowed());
}

TEST_CASE("Prompt rules: minors refused at every level, the rest by level, in one line", "[policy]") {
    QImage plain(64, 64, QImage::Format_RGB32);
    plain.fill(Qt::gray);
    auto job = request(plain, QRect(10, 10, 20, 20));
    job.prompt = "a nude child";
    for (Level level : {Level::Off, Level::Standard, Level::Strict}) {
        const auto verdict = app::GenerationGuard::check(job, policyAt(level), true, nullptr);
        CHECK(verdict.outcome == Outcome::Refuse);
        CHECK(verdict.rule == QStringLiteral("sexual content involving minors"));
        CHECK_FALSE(verdict.message.contains(QLatin1Char('\n')));
    }
    job.prompt = "a gory scene";
    CHECK(app::GenerationGuard::check(job, policyAt(Level::Off), true, nullptr).allowed());
    const auto standard = app::GenerationGuard::check(job, policyAt(Level::Standard), true, nullptr);
    CHECK(standard.outcome == Outcome::Confirm);
    CHECK(standard.message.contains(QStringLiteral("graphic violence")));
    const auto strict = app::GenerationGuard::check(job, policyAt(Level::Strict), true, nullptr);
    CHECK(strict.outcome == Outcome::Refuse);
    CHECK(strict.message ==
          QStringLiteral("refused by the content policy (Strict): the prompt matches the rule "
                         "\"graphic violence\" (term \"gory\")"));
    // The negative prompt names what must not appear.
    job.prompt = "a quiet street";
    job.negativePrompt = "nsfw, gore";
    CHECK(app::GenerationGuard::check(job, policyAt(Level::Strict), true, nullptr).allowed());
}
