#pragma once

#include <QImage>
#include <QString>
#include <QStringList>

namespace limner::app {

// Reading and writing picture files (PNG, JPEG, WebP, TIFF, BMP in; PNG, JPEG, WebP, TIFF out).
//
// Guarantees: load() checks the size the file header declares against the decode limit before
// decoding, so a crafted header cannot make Limner allocate gigabytes; save() writes to a
// temporary file next to the target and renames it, so a failed save leaves the old file (or
// no file) rather than a partial one. Every failure comes with a one-line message naming the
// file, what was wrong and what to do.
class ImageIO {
public:
    static constexpr qint64 kDefaultDecodeLimitBytes = qint64(1) << 30; // decoded RGBA bytes
    static constexpr int kMaxDimension = 16384;
    static constexpr int kDefaultQuality = 90; // JPEG and WebP, 0..100

    // The decoded image in the format the file holds (callers convert as they need), or a null
    // QImage with *errorMessage set.
    static QImage load(const QString& path, QString* errorMessage,
                       qint64 decodeLimitBytes = kDefaultDecodeLimitBytes);

    // The format is chosen by the suffix (.png, .jpg/.jpeg, .webp, .tif/.tiff). quality applies
    // to JPEG and WebP (-1 = kDefaultQuality; 100 = lossless WebP). JPEG has no transparency,
    // so translucent pixels are composited over white.
    static bool save(const QImage& image, const QString& path, QString* errorMessage, int quality = -1);

    // The bytes save() would write for a file with this suffix, or empty with *errorMessage set;
    // lets callers add metadata (app/project/ImageExporter) before the bytes reach the disk.
    static QByteArray encode(const QImage& image, const QString& suffix, QString* errorMessage,
                             int quality = -1);

    // A message when path cannot be written as an image (unknown suffix, missing or read-only
    // folder), empty when it can; lets a long job refuse an output before it starts.
    static QString checkWritable(const QString& path);

    static QStringList readableSuffixes();
    static QStringList writableSuffixes();
    // For file dialogs: "Images (*.png *.jpg …)".
    static QString openFileFilter();
    static QString saveFileFilter();
};

} // namespace limner::app
