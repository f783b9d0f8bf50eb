#pragma once

#include <QByteArray>
#include <QString>

namespace limner::app {

// Where a C2PA manifest store lives in a PNG (a caBX chunk), a JPEG (APP11 JPEG XT segments
// carrying the JUMBF, ISO/IEC 19566-5), a WebP (a RIFF "C2PA" chunk) or a TIFF (tag 0xCD41 of
// the first IFD, type UNDEFINED), and how it is put there. Only inserts — except for the headers
// that must point at the new bytes: a WebP's RIFF size; a TIFF's first-IFD offset, which then
// points at a copy of that IFD with the C2PA entry added, appended before the store. prepare()
// gives the file as it will be outside the inserted bytes, the one the hard binding hashes.
class C2paContainer {
public:
    enum class Format { Unknown, Png, Jpeg, WebP, Tiff };

    static Format detect(const QByteArray& file);
    static QString mimeType(Format format);

    // Where the manifest store goes: after IHDR in a PNG (where c2pa-rs puts it, so readers
    // meet it before the image data), after the leading APPn segments (JFIF, Exif, XMP) in a JPEG.
    static qint64 insertionOffset(const QByteArray& file, Format format, QString* error);
    // The file with everything outside the inserted bytes as it will be once `wrappedSize`
    // bytes are inserted: the file itself, or a WebP with its RIFF size grown.
    static QByteArray prepare(const QByteArray& file, Format format, qint64 wrappedSize);
    // The bytes that carry `store` in the file: the whole chunk or all the APP11 segments.
    static QByteArray wrap(const QByteArray& store, Format format);
    static qint64 wrappedSize(qint64 storeSize, Format format);

    struct Located {
        bool found = false;
        QByteArray store; // the JUMBF manifest store, reassembled
        qint64 start = 0; // the bytes that carry it in the file
        qint64 length = 0;
        QString error; // set when the file or its manifest segments are malformed
    };
    static Located locate(const QByteArray& file);
};

} // namespace limner::app
