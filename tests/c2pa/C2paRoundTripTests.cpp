#include "C2paFixtures.h"
#include "app/c2pa/C2paReader.h"
#include "app/c2pa/C2paWriter.h"

#include <catch2/catch.hpp>

using namespace limner::app;
using namespace limner::app::test;

TEST_CASE(
    "A signed PNG, JPEG, WebP and TIFF read back as valid with Limner's actions, models and regions, "
    "and decode to the same pixels",
    "[c2pa]") {
    const auto [format, mime] =
        GENERATE(std::make_pair("PNG", "image/png"), std::make_pair("JPG", "image/jpeg"),
                 std::make_pair("WEBP", "image/webp"), std::make_pair("TIFF", "image/tiff"));
    const QByteArray original = encodeImage(c2paTestImage(), format);
    const C2paManifestSpec spec = c2paTestSpec(QString::fromLatin1(mime));
    QString error;
    const QByteArray embedded = C2paWriter::embed(original, spec, c2paTestSigner(), &error);
    INFO(error.toStdString());
    REQUIRE(!embedded.isEmpty());
    REQUIRE(embedded.size() > original.size());

    const C2paReport report = C2paReader::read(embedded);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::ValidUntrusted);
    CHECK(report.statusCodes.contains(QStringLiteral("claimSignature.validated")));
    CHECK(report.statusCodes.contains(QStringLiteral("assertion.dataHash.match")));
    CHECK(report.statusCodes.contains(QStringLiteral("signingCredential.untrusted")));
    CHECK(report.claimGenerator.name == QLatin1String("Limner"));
    CHECK(report.title == spec.title);
    REQUIRE(report.actions.size() == 2);
    CHECK(report.actions[0].action == QLatin1String("c2pa.created"));
    CHECK(report.actions[1].action == QLatin1String("c2pa.edited"));
    CHECK(report.actions[1].digitalSourceType == spec.actions[1].digitalSourceType);
    CHECK(report.actions[1].softwareAgent.name == QLatin1String("Limner"));
    REQUIRE(report.models.size() == 2);
    CHECK(report.models[1].name == spec.models[1].name);
    CHECK(report.models[1].weightsSha256 == spec.models[1].weightsSha256);
    CHECK(report.generatedRegions == spec.generatedRegions);
    CHECK(report.signerSubject.contains(QStringLiteral("Limner local signer")));
    CHECK(report.text().contains(QStringLiteral("kandinsky-2.2-inpaint")));

    const QImage before = QImage::fromData(original);
    const QImage after = QImage::fromData(embedded);
    REQUIRE(!after.isNull());
    CHECK(after == before);
}

TEST_CASE("An opened photograph is recorded with its parent ingredient and reads back valid",
          "[c2pa]") {
    const QByteArray original = encodeImage(c2paTestImage(), "JPG");
    QString error;
    const QByteArray embedded = C2paWriter::embed(
        original, c2paOpenedSpec(QStringLiteral("image/jpeg")), c2paTestSigner(), &error);
    INFO(error.toStdString());
    REQUIRE(!embedded.isEmpty());
    const C2paReport report = C2paReader::read(embedded);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::ValidUntrusted);
    REQUIRE(report.actions.size() == 2);
    CHECK(report.actions[0].action == QLatin1String("c2pa.opened"));
    CHECK(embedded.contains("c2pa.ingredient.v3"));
}

TEST_CASE("A manifest larger than one JPEG segment is split over APP11 segments and reads back",
          "[c2pa]") {
    const QByteArray original = encodeImage(c2paTestImage(), "JPG");
    QString error;
    const C2paManifestSpec spec = c2paLargeSpec(QStringLiteral("image/jpeg"));
    const QByteArray embedded = C2paWriter::embed(original, spec, c2paTestSigner(), &error);
    INFO(error.toStdString());
    REQUIRE(!embedded.isEmpty());
    CHECK(embedded.count("\xFF\xEB") >= 3);
    const C2paReport report = C2paReader::read(embedded);
    INFO(report.text().left(2000).toStdString());
    CHECK(report.state == C2paReport::State::ValidUntrusted);
    CHECK(report.generatedRegions == spec.generatedRegions);
    CHECK(QImage::fromData(embedded) == QImage::fromData(original));
}

TEST_CASE("The writer refuses specs C2PA 2.x validators reject, and files already signed", "[c2pa]") {
    const QByteArray png = encodeImage(c2paTestImage(), "PNG");
    QString error;
    SECTION("c2pa.created without a digital source type") {
        C2paManifestSpec spec = c2paTestSpec(QStringLiteral("image/png"));
        spec.actions[0].digitalSourceType.clear();
        CHECK(C2paWriter::embed(png, spec, c2paTestSigner(), &error).isEmpty());
        CHECK(error.contains(QStringLiteral("digital source type")));
    }
    SECTION("c2pa.opened without the opened file") {
        C2paManifestSpec spec = c2paOpenedSpec(QStringLiteral("image/png"));
        spec.parent.reset();
        CHECK(C2paWriter::embed(png, spec, c2paTestSigner(), &error).isEmpty());
        CHECK(error.contains(QStringLiteral("parent")));
    }
    SECTION("first action neither created nor opened") {
        C2paManifestSpec spec = c2paTestSpec(QStringLiteral("image/png"));
        spec.actions.removeFirst();
        CHECK(C2paWriter::embed(png, spec, c2paTestSigner(), &error).isEmpty());
        CHECK(error.contains(QStringLiteral("first action")));
    }
    SECTION("a format other than the file's") {
        CHECK(
            C2paWriter::embed(png, c2paTestSpec(QStringLiteral("image/jpeg")), c2paTestSigner(), &error)
                .isEmpty());
        CHECK(error.contains(QStringLiteral("the file is image/png")));
    }
    SECTION("not an image") {
        CHECK(C2paWriter::embed("GIF89a", c2paTestSpec(QStringLiteral("image/png")), c2paTestSigner(),
                                &error)
                  .isEmpty());
        CHECK(error.contains(QStringLiteral("not a PNG, JPEG, WebP or TIFF")));
    }
    SECTION("already signed") {
        const QByteArray once =
            C2paWriter::embed(png, c2paTestSpec(QStringLiteral("image/png")), c2paTestSigner(), &error);
        REQUIRE(!once.isEmpty());
        CHECK(
            C2paWriter::embed(once, c2paTestSpec(QStringLiteral("image/png")), c2paTestSigner(), &error)
                .isEmpty());
        CHECK(error.contains(QStringLiteral("already")));
    }
}
