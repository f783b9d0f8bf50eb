#include "app/ImageIO.h"
#include "tests/app/TestImages.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QPainter>
#include <QTemporaryDir>
#include <QtEndian>
#include <catch2/catch.hpp>

using limner::app::ImageIO;

namespace {

quint32 crc32(const QByteArray& data) {
    quint32 crc = 0xffffffffu;
    for (const char c : data) {
        crc ^= static_cast<quint8>(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray chunk(const char* type, const QByteArray& payload) {
    QByteArray body = QByteArray(type, 4) + payload;
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(static_cast<quint32>(payload.size()), out.data());
    out += body;
    QByteArray crc(4, '\0');
    qToBigEndian<quint32>(crc32(body), crc.data());
    return out + crc;
}

// A PNG whose header claims width×height RGBA pixels, with no pixel data behind it: what a
// malicious file looks like to a decoder that trusts headers.
QByteArray craftedPngHeader(quint32 width, quint32 height) {
    QByteArray ihdr(13, '\0');
    qToBigEndian<quint32>(width, ihdr.data());
    qToBigEndian<quint32>(height, ihdr.data() + 4);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 6; // RGBA
    // A few bytes of a zlib stream stand in for the pixel data; a decoder reads the header
    // (up to the first IDAT) before it touches them.
    const QByteArray idat("\x78\x9c\x63\x60\x00\x00", 6);
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", idat) +
           chunk("IEND", {});
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes) {
    const QString path = dir.filePath(name);
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    return path;
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

} // namespace

TEST_CASE("A crafted PNG header claiming 100000×100000 pixels is refused before decoding",
          "[app][io]") {
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("huge.png"), craftedPngHeader(100000, 100000));
    QString error;
    QElapsedTimer timer;
    timer.start();
    const QImage image = ImageIO::load(path, &error);
    INFO(error.toStdString());
    CHECK(timer.elapsed() < 1000); // 40 GB were never allocated
    CHECK(image.isNull());
    CHECK(error.contains(QStringLiteral("100000×100000")));
    CHECK(error.contains(QStringLiteral("16384×16384")));
    CHECK_FALSE(error.contains(QLatin1Char('\n')));
}

TEST_CASE("The decode limit refuses a header within the size cap but over the limit", "[app][io]") {
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("big.png"), craftedPngHeader(12000, 12000));
    QString error;
    QElapsedTimer timer;
    timer.start();
    CHECK(ImageIO::load(path, &error, qint64(256) << 20).isNull());
    INFO(error.toStdString());
    CHECK(timer.elapsed() < 1000);
    CHECK(error.contains(QStringLiteral("decode limit of 256 MiB")));
    CHECK(error.contains(QStringLiteral("550 MiB")));
}

TEST_CASE("A decode limit below a real photograph's size refuses it; at its size it loads",
          "[app][io]") {
    const QString path = TestImages::dataPath(QStringLiteral("coffee.png"));
    const QImage reference(path);
    const qint64 bytes = qint64(reference.width()) * reference.height() * 4;
    QString error;
    CHECK(ImageIO::load(path, &error, bytes - 1).isNull());
    CHECK(error.contains(QStringLiteral("decode limit")));
    const QImage loaded = ImageIO::load(path, &error, bytes);
    REQUIRE_FALSE(loaded.isNull());
    CHECK(error.isEmpty());
    CHECK(loaded == reference);
}

TEST_CASE("A picture past Qt's default 128 MB allocation limit opens within Limner's limit",
          "[app][io]") {
    QTemporaryDir dir;
    QImage large(6000, 6000, QImage::Format_RGB32); // 137 MiB decoded
    large.fill(QColor(10, 120, 200));
    QPainter(&large).fillRect(QRect(5800, 5800, 10, 10), Qt::white);
    const QString path = dir.filePath(QStringLiteral("large.png"));
    REQUIRE(large.save(path, "PNG"));
    large = QImage();
    QString error;
    const QImage loaded = ImageIO::load(path, &error);
    INFO(error.toStdString());
    REQUIRE(loaded.size() == QSize(6000, 6000));
    CHECK(loaded.pixel(5805, 5805) == qRgb(255, 255, 255));
}

TEST_CASE("Missing, corrupt and truncated files give a one-line message", "[app][io]") {
    QTemporaryDir dir;
    QString error;

    SECTION("missing") {
        CHECK(ImageIO::load(dir.filePath(QStringLiteral("nope.png")), &error).isNull());
        CHECK(error.contains(QStringLiteral("does not exist")));
    }
    SECTION("not an image") {
        const QString path = writeFile(dir, QStringLiteral("notes.png"), QByteArray(4096, 'x'));
        CHECK(ImageIO::load(path, &error).isNull());
        CHECK(error.contains(QStringLiteral("not a supported image")));
    }
    SECTION("truncated PNG") {
        const QByteArray whole = readFile(TestImages::dataPath(QStringLiteral("coffee.png")));
        const QString path = writeFile(dir, QStringLiteral("cut.png"), whole.left(whole.size() / 3));
        CHECK(ImageIO::load(path, &error).isNull());
        CHECK(error.contains(QStringLiteral("cut.png")));
    }
    SECTION("a folder") {
        CHECK(ImageIO::load(dir.path(), &error).isNull());
        CHECK(error.contains(QStringLiteral("not a file")));
    }
    CHECK_FALSE(error.isEmpty());
    CHECK_FALSE(error.contains(QLatin1Char('\n')));
}

TEST_CASE("Exports round-trip: PNG and TIFF exactly, JPEG and WebP closely", "[app][io]") {
    QTemporaryDir dir;
    const QImage photo =
        TestImages::photo(QStringLiteral("coffee.png")).convertToFormat(QImage::Format_RGB32);
    QString error;

    for (const char* lossless : {"out.png", "out.tiff", "out.tif"}) {
        const QString path = dir.filePath(QString::fromLatin1(lossless));
        REQUIRE(ImageIO::save(photo, path, &error));
        const QImage back = ImageIO::load(path, &error);
        REQUIRE_FALSE(back.isNull());
        CHECK(back.convertToFormat(QImage::Format_RGB32) == photo);
        CHECK_FALSE(back.hasAlphaChannel()); // an opaque picture is written without alpha
    }
    for (const char* lossy : {"out.jpg", "out.jpeg", "out.webp"}) {
        const QString path = dir.filePath(QString::fromLatin1(lossy));
        REQUIRE(ImageIO::save(photo, path, &error, 90));
        const QImage back = ImageIO::load(path, &error);
        REQUIRE_FALSE(back.isNull());
        CHECK(back.size() == photo.size());
        CHECK(TestImages::meanAbsDiff(back, photo) < 3.0);
    }
    // Lower quality really is smaller: the setting reaches the encoder.
    REQUIRE(ImageIO::save(photo, dir.filePath(QStringLiteral("low.jpg")), &error, 20));
    CHECK(QFileInfo(dir.filePath(QStringLiteral("low.jpg"))).size() <
          QFileInfo(dir.filePath(QStringLiteral("out.jpg"))).size());
}

TEST_CASE("Transparency survives PNG, TIFF and lossless WebP; JPEG lays it over white", "[app][io]") {
    QTemporaryDir dir;
    QImage image = TestImages::gradient(40, 30).convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < image.height(); ++y) {
        auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < image.width(); ++x)
            row[x] = qRgba(qRed(row[x]), qGreen(row[x]), qBlue(row[x]), (x * 6) & 255);
    }
    QString error;
    for (const char* name : {"a.png", "a.tiff", "a.webp"}) {
        const QString path = dir.filePath(QString::fromLatin1(name));
        REQUIRE(ImageIO::save(image, path, &error, 100));
        // Compared as displayed: the colour under a fully transparent pixel is not kept by
        // every encoder and cannot be seen.
        INFO(name);
        CHECK(ImageIO::load(path, &error).convertToFormat(QImage::Format_ARGB32_Premultiplied) ==
              image.convertToFormat(QImage::Format_ARGB32_Premultiplied));
    }
    QImage clear(8, 8, QImage::Format_ARGB32);
    clear.fill(Qt::transparent);
    const QString jpeg = dir.filePath(QStringLiteral("clear.jpg"));
    REQUIRE(ImageIO::save(clear, jpeg, &error));
    CHECK(qRed(ImageIO::load(jpeg, &error).pixel(4, 4)) > 250);
}

TEST_CASE("BMP files open", "[app][io]") {
    QTemporaryDir dir;
    const QImage image = TestImages::gradient(33, 17).convertToFormat(QImage::Format_RGB32);
    const QString path = dir.filePath(QStringLiteral("g.bmp"));
    REQUIRE(image.save(path, "BMP"));
    QString error;
    CHECK(ImageIO::load(path, &error).convertToFormat(QImage::Format_RGB32) == image);
}

TEST_CASE("A save that cannot happen says why and leaves no file", "[app][io]") {
    QTemporaryDir dir;
    const QImage image = TestImages::gradient(8, 8);
    QString error;

    SECTION("missing folder") {
        const QString path = dir.filePath(QStringLiteral("no/such/folder/out.png"));
        CHECK_FALSE(ImageIO::save(image, path, &error));
        CHECK(error.contains(QStringLiteral("does not exist")));
        CHECK_FALSE(QFileInfo::exists(path));
    }
    SECTION("unknown type") {
        const QString path = dir.filePath(QStringLiteral("out.xyz"));
        CHECK_FALSE(ImageIO::save(image, path, &error));
        CHECK(error.contains(QStringLiteral("unknown file type")));
        CHECK_FALSE(QFileInfo::exists(path));
    }
    SECTION("an existing file is kept when the new image is refused") {
        const QString path = dir.filePath(QStringLiteral("keep.png"));
        REQUIRE(ImageIO::save(image, path, &error));
        const QByteArray before = readFile(path);
        CHECK_FALSE(ImageIO::save(QImage(), path, &error));
        CHECK(readFile(path) == before);
    }
    CHECK_FALSE(error.contains(QLatin1Char('\n')));
    CHECK(QDir(dir.path())
              .entryList(QDir::Files | QDir::Hidden)
              .filter(QStringLiteral(".tmp"))
              .isEmpty());
}
