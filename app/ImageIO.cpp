#include "app/ImageIO.h"

#include "app/ImageConvert.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QPainter>
#include <QSaveFile>
#include <algorithm>
#include <climits>

namespace limner::app {

namespace {

constexpr qint64 kMiB = qint64(1) << 20;

QString displayName(const QString& path) {
    return QDir::toNativeSeparators(path);
}

QString sizeText(const QSize& size) {
    return QStringLiteral("%1×%2").arg(size.width()).arg(size.height());
}

QString mibText(qint64 bytes) {
    return QStringLiteral("%1 MiB").arg((bytes + kMiB - 1) / kMiB);
}

QByteArray writerFormatForSuffix(const QString& suffix) {
    const QString s = suffix.toLower();
    if (s == QLatin1String("png"))
        return "png";
    if (s == QLatin1String("jpg") || s == QLatin1String("jpeg"))
        return "jpeg";
    if (s == QLatin1String("webp"))
        return "webp";
    if (s == QLatin1String("tif") || s == QLatin1String("tiff"))
        return "tiff";
    return {};
}

QImage prepareForFormat(const QImage& image, const QByteArray& format) {
    if (format == "jpeg") {
        if (!image.hasAlphaChannel())
            return image.convertToFormat(QImage::Format_RGB888);
        QImage flat(image.size(), QImage::Format_RGB888);
        flat.fill(Qt::white);
        QPainter painter(&flat);
        painter.drawImage(0, 0, image);
        painter.end();
        return flat;
    }
    // An opaque picture (the usual flattened canvas) is written without an alpha channel:
    // smaller files, and what other programs expect of a photograph.
    if (ImageConvert::isOpaque(image))
        return image.convertToFormat(QImage::Format_RGB888);
    return image.convertToFormat(QImage::Format_RGBA8888);
}

} // namespace

QImage ImageIO::load(const QString& path, QString* errorMessage, qint64 decodeLimitBytes) {
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return QImage();
    };
    const QFileInfo info(path);
    if (!info.exists())
        return fail(QStringLiteral("cannot open %1: the file does not exist").arg(displayName(path)));
    if (!info.isFile())
        return fail(QStringLiteral("cannot open %1: it is not a file").arg(displayName(path)));
    if (!info.isReadable())
        return fail(QStringLiteral("cannot open %1: permission denied").arg(displayName(path)));

    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    reader.setAutoTransform(true);
    if (!reader.canRead()) {
        return fail(QStringLiteral("cannot open %1: not a supported image (PNG, JPEG, WebP, TIFF or "
                                   "BMP) or the file is damaged")
                        .arg(displayName(path)));
    }
    const QSize declared = reader.size();
    if (declared.isValid()) {
        if (declared.width() > kMaxDimension || declared.height() > kMaxDimension) {
            return fail(QStringLiteral("cannot open %1: it is %2 pixels; Limner opens images up to "
                                       "%3×%3")
                            .arg(displayName(path), sizeText(declared))
                            .arg(kMaxDimension));
        }
        const qint64 needed = qint64(declared.width()) * declared.height() * 4;
        if (needed > decodeLimitBytes) {
            return fail(QStringLiteral("cannot open %1: decoding its %2 pixels needs %3, more than the "
                                       "decode limit of %4; raise the limit in the settings")
                            .arg(displayName(path), sizeText(declared), mibText(needed),
                                 mibText(decodeLimitBytes)));
        }
    }
    // A second line of defence for formats whose header does not state a size, or lies about
    // it: Qt refuses allocations past this many MiB.
    reader.setAllocationLimit(static_cast<int>(std::min<qint64>(decodeLimitBytes / kMiB + 1, INT_MAX)));
    QImage image;
    if (!reader.read(&image) || image.isNull()) {
        return fail(QStringLiteral("cannot read %1: %2 (the file may be damaged or truncated)")
                        .arg(displayName(path), reader.errorString()));
    }
    if (errorMessage)
        errorMessage->clear();
    return image;
}

QString ImageIO::checkWritable(const QString& path) {
    const QFileInfo info(path);
    if (writerFormatForSuffix(info.suffix()).isEmpty()) {
        return QStringLiteral("cannot save %1: unknown file type; use a name ending in .png, .jpg, "
                              ".webp or .tiff")
            .arg(displayName(path));
    }
    const QFileInfo folder(info.absolutePath());
    if (!folder.exists()) {
        return QStringLiteral("cannot save %1: the folder %2 does not exist")
            .arg(displayName(path), displayName(folder.filePath()));
    }
    if (!folder.isDir() || !folder.isWritable()) {
        return QStringLiteral("cannot save %1: the folder %2 is not writable")
            .arg(displayName(path), displayName(folder.filePath()));
    }
    if (info.exists() && (!info.isFile() || !info.isWritable()))
        return QStringLiteral("cannot save %1: the file is not writable").arg(displayName(path));
    return {};
}

QByteArray ImageIO::encode(const QImage& image, const QString& suffix, QString* errorMessage,
                           int quality) {
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return QByteArray();
    };
    if (image.isNull())
        return fail(QStringLiteral("there is no image to save"));
    const QByteArray format = writerFormatForSuffix(suffix);
    if (format.isEmpty())
        return fail(
            QStringLiteral("unknown file type .%1; use .png, .jpg, .webp or .tiff").arg(suffix));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, format);
    if (format == "jpeg" || format == "webp")
        writer.setQuality(quality < 0 ? kDefaultQuality : std::min(quality, 100));
    if (!writer.write(prepareForFormat(image, format)))
        return fail(writer.errorString());
    if (errorMessage)
        errorMessage->clear();
    return bytes;
}

bool ImageIO::save(const QImage& image, const QString& path, QString* errorMessage, int quality) {
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return false;
    };
    if (image.isNull())
        return fail(QStringLiteral("cannot save %1: there is no image to save").arg(displayName(path)));
    const QString problem = checkWritable(path);
    if (!problem.isEmpty())
        return fail(problem);

    QString error;
    const QByteArray bytes = encode(image, QFileInfo(path).suffix(), &error, quality);
    if (bytes.isEmpty())
        return fail(QStringLiteral("cannot save %1: %2").arg(displayName(path), error));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot save %1: %2").arg(displayName(path), file.errorString()));
    if (file.write(bytes) != bytes.size()) {
        file.cancelWriting();
        return fail(QStringLiteral("cannot save %1: %2").arg(displayName(path), file.errorString()));
    }
    if (!file.commit())
        return fail(QStringLiteral("cannot save %1: %2").arg(displayName(path), file.errorString()));
    if (errorMessage)
        errorMessage->clear();
    return true;
}

QStringList ImageIO::readableSuffixes() {
    return {QStringLiteral("png"),  QStringLiteral("jpg"), QStringLiteral("jpeg"),
            QStringLiteral("webp"), QStringLiteral("tif"), QStringLiteral("tiff"),
            QStringLiteral("bmp")};
}

QStringList ImageIO::writableSuffixes() {
    return {QStringLiteral("png"),  QStringLiteral("jpg"), QStringLiteral("jpeg"),
            QStringLiteral("webp"), QStringLiteral("tif"), QStringLiteral("tiff")};
}

namespace {
QString filterFor(const QStringList& suffixes) {
    QStringList patterns;
    for (const QString& s : suffixes)
        patterns << QStringLiteral("*.") + s;
    return QStringLiteral("Images (%1)").arg(patterns.join(QLatin1Char(' ')));
}
} // namespace

QString ImageIO::openFileFilter() {
    return filterFor(readableSuffixes());
}

QString ImageIO::saveFileFilter() {
    return filterFor(writableSuffixes());
}

} // namespace limner::app
