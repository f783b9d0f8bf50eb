#include "app/Document.h"
#include "app/project/OraReader.h"
#include "app/project/ProjectFile.h"
#include "app/project/ZipReader.h"
#include "app/project/ZipWriter.h"
#include "tests/project/ProjectFixtures.h"

#include <QBuffer>
#include <QTemporaryDir>
#include <QtEndian>
#include <catch2/catch.hpp>
#include <functional>
#include <zlib.h>

using limner::app::Document;
using limner::app::OraReader;
using limner::app::ProjectFile;
using limner::app::ZipReader;
using limner::app::ZipWriter;

namespace {

using Entries = std::vector<std::pair<QString, QByteArray>>;

QByteArray zipOf(const Entries& entries, ZipWriter::Compression c = ZipWriter::Compression::Stored) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    ZipWriter zip(&buffer);
    for (const auto& [name, data] : entries)
        zip.addFile(name, data, c);
    zip.finish();
    return bytes;
}

QByteArray smallPng(int w = 4, int h = 4) {
    QImage image(w, h, QImage::Format_RGBA8888);
    image.fill(Qt::red);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "png");
    return bytes;
}

// A PNG header that claims width × height, with a correct CRC so that only the size is wrong.
QByteArray pngClaiming(quint32 width, quint32 height) {
    QByteArray png = smallPng();
    qToBigEndian<quint32>(width, png.data() + 16);
    qToBigEndian<quint32>(height, png.data() + 20);
    const quint32 crc = static_cast<quint32>(
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(png.constData() + 12), 17));
    qToBigEndian<quint32>(crc, png.data() + 29);
    return png;
}

QByteArray stackXml(int w, int h, const QString& src = QStringLiteral("data/a.png")) {
    return QStringLiteral(
               "<image w=\"%1\" h=\"%2\"><stack><layer name=\"a\" src=\"%3\"/></stack></image>")
        .arg(w)
        .arg(h)
        .arg(src)
        .toUtf8();
}

Entries validOra() {
    return {{QStringLiteral("mimetype"), "image/openraster"},
            {QStringLiteral("stack.xml"), stackXml(4, 4)},
            {QStringLiteral("data/a.png"), smallPng()}};
}

// Opening path must fail with a message containing expected, and leave document as it was.
void requireRefused(const QByteArray& bytes, const QString& expected) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("hostile.ora"));
    REQUIRE(ProjectFixtures::writeFile(path, bytes));
    Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("coffee.png")));
    const QImage before = document.flatten();
    QString error;
    CHECK_FALSE(ProjectFile::open(document, path, qint64(64) << 20, &error));
    INFO(error.toStdString());
    CHECK(error.startsWith(QStringLiteral("cannot open")));
    CHECK(error.contains(expected));
    CHECK(document.layerCount() == 1);
    CHECK(document.flatten() == before);
}

// The central directory entry of the first entry, for patching fields.
qint64 centralDirectory(const QByteArray& zip) {
    return qFromLittleEndian<quint32>(zip.constData() + zip.size() - 22 + 16);
}

} // namespace

TEST_CASE("A well-formed minimal OpenRaster file opens", "[project]") {
    QString error;
    const auto snapshot = OraReader::read(zipOf(validOra()), OraReader::Limits(), &error);
    REQUIRE(snapshot);
    CHECK(snapshot->layers.size() == 1);
}

TEST_CASE("Archive entries that climb out of the archive or repeat a name are refused", "[project]") {
    for (const char* name : {"../evil.png", "data/../../evil.png", "/etc/passwd", "C:/evil.png",
                             "data\\evil.png", "data//a.png"}) {
        Entries entries = validOra();
        entries.push_back({QString::fromLatin1(name), "x"});
        INFO(name);
        requireRefused(zipOf(entries), QStringLiteral("entry name"));
    }
    Entries duplicated = validOra();
    duplicated.push_back({QStringLiteral("stack.xml"), stackXml(4, 4)});
    requireRefused(zipOf(duplicated), QStringLiteral("appears twice"));
}

TEST_CASE("Archives past the size, ratio and entry-count limits are refused before inflating",
          "[project]") {
    SECTION("a ZIP bomb: 200 MiB of zeros deflated to a few hundred KiB") {
        Entries entries = validOra();
        entries.push_back({QStringLiteral("data/bomb.png"), QByteArray(200 << 20, '\0')});
        requireRefused(zipOf(entries, ZipWriter::Compression::Deflated), QStringLiteral("ZIP bomb"));
    }
    SECTION("more entries than the limit") {
        Entries entries = validOra();
        for (int i = 0; i < 5000; ++i)
            entries.push_back({QStringLiteral("junk/%1").arg(i), "x"});
        requireRefused(zipOf(entries), QStringLiteral("entries, more than the limit"));
    }
    SECTION("declared sizes that add up past the total limit") {
        ZipReader::Limits limits;
        limits.maxTotalBytes = 1000;
        Entries entries = validOra();
        entries.push_back({QStringLiteral("big.bin"), QByteArray(2000, 'x')});
        ZipReader zip;
        QString error;
        CHECK_FALSE(zip.open(zipOf(entries), limits, &error));
        CHECK(error.contains(QStringLiteral("would expand to more than the limit")));
    }
    SECTION("an entry whose header lies about its size") {
        QByteArray bytes = zipOf(validOra(), ZipWriter::Compression::Deflated);
        // stack.xml is the second central entry; make it claim one byte fewer than it inflates to.
        const qint64 cd = centralDirectory(bytes);
        const qint64 second = cd + 46 + qFromLittleEndian<quint16>(bytes.constData() + cd + 28);
        const quint32 declared = qFromLittleEndian<quint32>(bytes.constData() + second + 24);
        qToLittleEndian<quint32>(declared - 1, bytes.data() + second + 24);
        requireRefused(bytes, QStringLiteral("does not inflate to its declared size"));
    }
    SECTION("entries whose data overlap") {
        QByteArray bytes = zipOf(validOra());
        const qint64 cd = centralDirectory(bytes);
        const qint64 second = cd + 46 + qFromLittleEndian<quint16>(bytes.constData() + cd + 28);
        // Point stack.xml's central record at mimetype's local header.
        qToLittleEndian<quint32>(0, bytes.data() + second + 42);
        requireRefused(bytes, QStringLiteral("different name"));
    }
    SECTION("a truncated file") {
        const QByteArray bytes = zipOf(validOra());
        requireRefused(bytes.left(bytes.size() / 2), QStringLiteral("not a ZIP archive"));
    }
}

TEST_CASE("Canvas and layer sizes past the decode limit are refused before decoding", "[project]") {
    SECTION("a canvas of 100000×100000 pixels") {
        Entries entries = validOra();
        entries[1].second = stackXml(100000, 100000);
        requireRefused(zipOf(entries), QStringLiteral("past the decode limit"));
    }
    SECTION("a layer PNG whose header declares 16000×16000 pixels") {
        // A valid header on top of a tiny body: the size alone must stop it.
        Entries entries = validOra();
        entries[2].second = pngClaiming(16000, 16000);
        requireRefused(zipOf(entries), QStringLiteral("decode limit"));
    }
    SECTION("a layer past the largest dimension") {
        Entries entries = validOra();
        entries[2].second = pngClaiming(100000, 4);
        requireRefused(zipOf(entries), QStringLiteral("Limner opens images up to"));
    }
    SECTION("more layers than the limit") {
        QString layers;
        for (int i = 0; i < 1001; ++i)
            layers += QStringLiteral("<layer src=\"data/a.png\"/>");
        Entries entries = validOra();
        entries[1].second =
            QStringLiteral("<image w=\"4\" h=\"4\"><stack>%1</stack></image>").arg(layers).toUtf8();
        requireRefused(zipOf(entries), QStringLiteral("more than 1000 layers"));
    }
    SECTION("a layer that refers to a missing entry") {
        Entries entries = validOra();
        entries[1].second = stackXml(4, 4, QStringLiteral("data/missing.png"));
        requireRefused(zipOf(entries), QStringLiteral("does not contain"));
    }
    SECTION("a file that is not OpenRaster") {
        Entries entries = validOra();
        entries[0].second = "application/zip";
        requireRefused(zipOf(entries), QStringLiteral("not an OpenRaster file"));
    }
}
