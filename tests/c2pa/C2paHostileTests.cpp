#include "C2paFixtures.h"
#include "app/c2pa/C2paContainer.h"
#include "app/c2pa/C2paReader.h"
#include "app/c2pa/C2paWriter.h"
#include "app/c2pa/JumbfBox.h"

#include <QRandomGenerator>
#include <QtEndian>
#include <catch2/catch.hpp>

using namespace limner::app;
using namespace limner::app::test;

namespace {

using State = C2paReport::State;

QByteArray signedFile(const char* format, const QString& mime) {
    QString error;
    const QByteArray embedded = C2paWriter::embed(encodeImage(c2paTestImage(), format),
                                                  c2paTestSpec(mime), c2paTestSigner(), &error);
    REQUIRE(!embedded.isEmpty());
    return embedded;
}

// A PNG whose caBX chunk carries `store`, whatever it holds.
QByteArray pngWithStore(const QByteArray& store) {
    QByteArray png = encodeImage(c2paTestImage(), "PNG");
    QString error;
    const qint64 offset = C2paContainer::insertionOffset(png, C2paContainer::Format::Png, &error);
    png.insert(offset, C2paContainer::wrap(store, C2paContainer::Format::Png));
    return png;
}

QByteArray storeAround(const QByteArray& manifestChildren) {
    return JumbfBox::superbox(
        JumbfBox::manifestStoreUuid(), QStringLiteral("c2pa"),
        JumbfBox::superbox(JumbfBox::manifestUuid(), QStringLiteral("urn:c2pa:x"), manifestChildren));
}

C2paReport readExpectingNoCrash(const QByteArray& file) {
    const C2paReport report = C2paReader::read(file);
    (void)report.text();
    return report;
}

} // namespace

TEST_CASE("Files without a manifest, or not images at all, report no manifest", "[c2pa]") {
    CHECK(C2paReader::read(encodeImage(c2paTestImage(), "PNG")).state == State::NoManifest);
    CHECK(C2paReader::read(encodeImage(c2paTestImage(), "JPG")).state == State::NoManifest);
    CHECK(C2paReader::read(QByteArray()).state == State::NoManifest);
    CHECK(C2paReader::read(QByteArray("GIF89a garbage")).state == State::NoManifest);
}

TEST_CASE("Truncated signed files never crash and never pass as valid", "[c2pa]") {
    const auto [format, mime] =
        GENERATE(std::make_pair("PNG", "image/png"), std::make_pair("JPG", "image/jpeg"));
    const QByteArray file = signedFile(format, QString::fromLatin1(mime));
    for (qsizetype size = 0; size < file.size(); size += 7) {
        const C2paReport report = readExpectingNoCrash(file.left(size));
        INFO("truncated to " << size << " of " << file.size() << ": " << report.text().toStdString());
        CHECK(report.state != State::Valid);
        CHECK(report.state != State::ValidUntrusted);
    }
}

TEST_CASE("Boxes whose lengths run past their container are malformed", "[c2pa]") {
    SECTION("a superbox longer than the chunk") {
        QByteArray store = storeAround(QByteArray());
        qToBigEndian<quint32>(quint32(store.size() + 1000), store.data());
        const C2paReport report = C2paReader::read(pngWithStore(store));
        CHECK(report.state == State::Malformed);
        CHECK(report.message.contains(QStringLiteral("claims")));
    }
    SECTION("a 64-bit box length near 2^63") {
        QByteArray store = storeAround(QByteArray());
        QByteArray huge =
            QByteArray::fromHex("00000001") + "jumb" + QByteArray::fromHex("7fffffffffffff00");
        const C2paReport report = C2paReader::read(pngWithStore(huge + store.mid(8)));
        CHECK(report.state == State::Malformed);
    }
    SECTION("a box length below its header") {
        QByteArray store = storeAround(QByteArray());
        qToBigEndian<quint32>(quint32(4), store.data() + 8); // the description box
        CHECK(C2paReader::read(pngWithStore(store)).state == State::Malformed);
    }
    SECTION("a PNG chunk longer than the file") {
        QByteArray file = signedFile("PNG", QStringLiteral("image/png"));
        const qsizetype type = file.indexOf("caBX");
        qToBigEndian<quint32>(0x7FFFFFF0u, file.data() + type - 4);
        CHECK(C2paReader::read(file).state == State::Malformed);
    }
    SECTION("a JPEG segment longer than the file") {
        QByteArray file = signedFile("JPG", QStringLiteral("image/jpeg"));
        const qsizetype app11 = file.indexOf("\xFF\xEB");
        REQUIRE(app11 > 0);
        qToBigEndian<quint16>(0xFFF0, file.data() + app11 + 2);
        file.truncate(app11 + 200);
        CHECK(C2paReader::read(file).state == State::Malformed);
    }
}

TEST_CASE("Deeply nested boxes, missing parts and garbage CBOR are malformed with a message",
          "[c2pa]") {
    SECTION("nesting") {
        QByteArray box = JumbfBox::superbox(JumbfBox::cborUuid(), QStringLiteral("leaf"), QByteArray());
        for (int i = 0; i < 200; ++i)
            box = JumbfBox::superbox(JumbfBox::cborUuid(), QStringLiteral("n"), box);
        const C2paReport report = C2paReader::read(pngWithStore(storeAround(box)));
        CHECK(report.state == State::Malformed);
        CHECK(report.message.contains(QStringLiteral("deeply")));
    }
    SECTION("no claim") {
        const C2paReport report = C2paReader::read(pngWithStore(storeAround(QByteArray())));
        CHECK(report.state == State::Malformed);
        CHECK(report.message.contains(QStringLiteral("claim")));
    }
    SECTION("a store that is not C2PA's") {
        const QByteArray store =
            JumbfBox::superbox(JumbfBox::manifestStoreUuid(), QStringLiteral("c2pa"), {});
        QByteArray other = store;
        other[8 + 8] = 'x'; // the description's UUID
        CHECK(C2paReader::read(pngWithStore(other)).state == State::Malformed);
    }
    SECTION("garbage claim CBOR") {
        const QByteArray children =
            JumbfBox::superbox(JumbfBox::assertionStoreUuid(), QStringLiteral("c2pa.assertions"), {}) +
            JumbfBox::superbox(JumbfBox::claimUuid(), QStringLiteral("c2pa.claim.v2"),
                               JumbfBox::box("cbor", QByteArray::fromHex("5bffffffffffffffff00"))) +
            JumbfBox::superbox(JumbfBox::signatureUuid(), QStringLiteral("c2pa.signature"),
                               JumbfBox::box("cbor", QByteArray::fromHex("d2")));
        const C2paReport report = C2paReader::read(pngWithStore(storeAround(children)));
        CHECK(report.state == State::Malformed);
        CHECK(!report.message.isEmpty());
    }
    SECTION("garbage signature CBOR") {
        const QByteArray children =
            JumbfBox::superbox(JumbfBox::assertionStoreUuid(), QStringLiteral("c2pa.assertions"), {}) +
            JumbfBox::superbox(JumbfBox::claimUuid(), QStringLiteral("c2pa.claim.v2"),
                               JumbfBox::box("cbor", QByteArray::fromHex("a0"))) +
            JumbfBox::superbox(JumbfBox::signatureUuid(), QStringLiteral("c2pa.signature"),
                               JumbfBox::box("cbor", QByteArray::fromHex("9bffffffffffffffff")));
        const C2paReport report = C2paReader::read(pngWithStore(storeAround(children)));
        CHECK(report.state == State::SignatureInvalid);
        CHECK(!report.message.isEmpty());
    }
}

TEST_CASE("Random damage to a manifest store never crashes the reader", "[c2pa]") {
    const auto [format, mime] =
        GENERATE(std::make_pair("PNG", "image/png"), std::make_pair("JPG", "image/jpeg"));
    const QByteArray file = signedFile(format, QString::fromLatin1(mime));
    const C2paContainer::Located where = C2paContainer::locate(file);
    REQUIRE(where.found);
    QRandomGenerator random(1234);
    for (int round = 0; round < 1500; ++round) {
        QByteArray damaged = file;
        const int flips = 1 + int(random.bounded(4));
        for (int i = 0; i < flips; ++i) {
            const qint64 at = where.start + qint64(random.bounded(quint64(where.length)));
            damaged[at] = char(random.bounded(256));
        }
        const C2paReport report = readExpectingNoCrash(damaged);
        // A flip may land on a byte nobody signs (the PNG CRC, a box label outside the hashed
        // assertions), so ValidUntrusted can be right; trusted it never is, without anchors.
        INFO("round " << round << ": " << report.text().toStdString());
        CHECK(report.state != State::Valid);
    }
}
