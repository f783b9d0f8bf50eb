#include "C2paFixtures.h"
#include "app/c2pa/C2paReader.h"
#include "app/c2pa/C2paWriter.h"

#include <QtEndian>
#include <catch2/catch.hpp>

using namespace limner::app;
using namespace limner::app::test;

namespace {

QByteArray signedFile(const QByteArray& original, const QString& mime) {
    QString error;
    const QByteArray embedded =
        C2paWriter::embed(original, c2paTestSpec(mime), c2paTestSigner(), &error);
    INFO(error.toStdString());
    REQUIRE(!embedded.isEmpty());
    return embedded;
}

// The caBX chunk (length, type, data, CRC) of a PNG.
QByteArray caBXChunk(const QByteArray& png) {
    const qsizetype type = png.indexOf("caBX");
    REQUIRE(type > 4);
    const quint32 length = qFromBigEndian<quint32>(png.constData() + type - 4);
    return png.mid(type - 4, qsizetype(length) + 12);
}

} // namespace

TEST_CASE("A flipped byte in a signed PNG's image data is a hash mismatch", "[c2pa]") {
    QByteArray file = signedFile(encodeImage(c2paTestImage(), "PNG"), QStringLiteral("image/png"));
    const qsizetype idat = file.indexOf("IDAT");
    REQUIRE(idat > file.indexOf("caBX"));
    file[idat + 20] = char(file[idat + 20] ^ 0x40);
    const C2paReport report = C2paReader::read(file);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::HashMismatch);
    CHECK(report.statusCodes.contains(QStringLiteral("assertion.dataHash.mismatch")));
    CHECK(report.statusCodes.contains(QStringLiteral("claimSignature.validated")));
}

TEST_CASE("A repainted picture carrying the original PNG's manifest is a hash mismatch", "[c2pa]") {
    const QByteArray file =
        signedFile(encodeImage(c2paTestImage(), "PNG"), QStringLiteral("image/png"));
    QImage repainted = c2paTestImage();
    repainted.setPixel(30, 30, qRgb(255, 0, 0));
    QByteArray forged = encodeImage(repainted, "PNG");
    forged.insert(file.indexOf("caBX") - 4, caBXChunk(file)); // same IHDR, so the same offset
    const C2paReport report = C2paReader::read(forged);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::HashMismatch);
    CHECK(report.statusCodes.contains(QStringLiteral("assertion.dataHash.mismatch")));
}

TEST_CASE("A flipped byte in a signed JPEG's scan data is a hash mismatch", "[c2pa]") {
    QByteArray file = signedFile(encodeImage(c2paTestImage(), "JPG"), QStringLiteral("image/jpeg"));
    const qsizetype sos = file.indexOf("\xFF\xDA");
    REQUIRE(sos > 0);
    file[sos + 40] = char(file[sos + 40] ^ 0x01);
    const C2paReport report = C2paReader::read(file);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::HashMismatch);
    CHECK(report.statusCodes.contains(QStringLiteral("assertion.dataHash.mismatch")));
}

TEST_CASE("A changed byte in the claim invalidates the signature", "[c2pa]") {
    const auto [format, mime] =
        GENERATE(std::make_pair("PNG", "image/png"), std::make_pair("JPG", "image/jpeg"));
    QByteArray file = signedFile(encodeImage(c2paTestImage(), format), QString::fromLatin1(mime));
    // The claim's instanceID: hexadecimal text that appears nowhere else.
    const qsizetype iid = file.indexOf("xmp:iid:");
    REQUIRE(iid > 0);
    const qsizetype digit = iid + 8;
    file[digit] = file[digit] == 'a' ? 'b' : 'a';
    const C2paReport report = C2paReader::read(file);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::SignatureInvalid);
    CHECK(report.statusCodes.contains(QStringLiteral("claimSignature.mismatch")));
}

TEST_CASE("A changed byte in an assertion is a hashed URI mismatch", "[c2pa]") {
    QByteArray file = signedFile(encodeImage(c2paTestImage(), "PNG"), QStringLiteral("image/png"));
    const qsizetype unit = file.indexOf("regionUnit");
    REQUIRE(unit > 0);
    const qsizetype pixel = file.indexOf("pixel", unit);
    REQUIRE(pixel > 0);
    file[pixel + 4] = 'm';
    const C2paReport report = C2paReader::read(file);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::HashMismatch);
    CHECK(report.statusCodes.contains(QStringLiteral("assertion.hashedURI.mismatch")));
}
