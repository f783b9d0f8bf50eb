#include "app/c2pa/C2paContainer.h"

#include <QList>
#include <QtEndian>
#include <array>

namespace limner::app {

namespace {

const QByteArray kPngSignature("\x89PNG\r\n\x1a\n", 8);
constexpr qint64 kJpegMaxStorePerSegment = 64000; // under the 65535-byte segment limit
constexpr quint16 kJpegBoxInstance = 1;

// The CRC-32 of PNG chunks (ISO 3309, reflected, polynomial 0xEDB88320).
quint32 pngCrc(const QByteArray& typeAndData) {
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : typeAndData)
        crc = table[(crc ^ quint8(byte)) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

QByteArray bigEndian32(quint32 value) {
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

QByteArray bigEndian16(quint16 value) {
    QByteArray out(2, '\0');
    qToBigEndian(value, out.data());
    return out;
}

bool isStandaloneJpegMarker(quint8 marker) {
    return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8);
}

C2paContainer::Located locatePng(const QByteArray& file) {
    C2paContainer::Located result;
    qint64 pos = 8;
    const qint64 size = file.size();
    while (pos + 12 <= size) {
        const quint32 length = qFromBigEndian<quint32>(file.constData() + pos);
        const QByteArray type = file.mid(pos + 4, 4);
        if (qint64(length) > size - pos - 12) {
            result.error = QStringLiteral("PNG chunk \"%1\" at byte %2 runs past the end of the file")
                               .arg(QString::fromLatin1(type.toHex()))
                               .arg(pos);
            return result;
        }
        if (type == "caBX") {
            if (result.found) {
                result.error = QStringLiteral("the PNG has more than one caBX chunk");
                return result;
            }
            result.found = true;
            result.store = file.mid(pos + 8, length);
            result.start = pos;
            result.length = qint64(length) + 12;
        }
        if (type == "IEND")
            return result;
        pos += qint64(length) + 12;
    }
    if (result.found)
        result.error = QStringLiteral("the PNG ends without an IEND chunk");
    return result;
}

struct App11Segment {
    qint64 start = 0;
    qint64 length = 0; // marker included
    quint16 instance = 0;
    quint32 sequence = 0;
    QByteArray content; // after CI, En and Z
};

C2paContainer::Located locateJpeg(const QByteArray& file) {
    C2paContainer::Located result;
    QList<App11Segment> segments;
    qint64 pos = 2;
    const qint64 size = file.size();
    while (pos + 4 <= size) {
        if (quint8(file[pos]) != 0xFF) {
            result.error = QStringLiteral("JPEG marker expected at byte %1").arg(pos);
            return result;
        }
        const quint8 marker = quint8(file[pos + 1]);
        if (marker == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        if (isStandaloneJpegMarker(marker)) {
            pos += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) // EOI, SOS: no metadata segments after this
            break;
        const quint16 length = qFromBigEndian<quint16>(file.constData() + pos + 2);
        if (length < 2 || length > size - pos - 2) {
            result.error =
                QStringLiteral("JPEG segment at byte %1 runs past the end of the file").arg(pos);
            return result;
        }
        if (marker == 0xEB && length >= 2 + 8 && file.mid(pos + 4, 2) == "JP") {
            App11Segment segment;
            segment.start = pos;
            segment.length = qint64(length) + 2;
            segment.instance = qFromBigEndian<quint16>(file.constData() + pos + 6);
            segment.sequence = qFromBigEndian<quint32>(file.constData() + pos + 8);
            segment.content = file.mid(pos + 12, length - 10);
            segments.append(segment);
        }
        pos += qint64(length) + 2;
    }
    // The manifest store is the JUMBF box instance whose first packet opens a "c2pa" superbox:
    // LBox, TBox "jumb", then the description box (LBox, "jumd", UUID starting "c2pa").
    qsizetype first = -1;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QByteArray& c = segments[i].content;
        if (segments[i].sequence == 1 && c.size() >= 20 && c.mid(4, 4) == "jumb" &&
            c.mid(12, 4) == "jumd" && c.mid(16, 4) == "c2pa") {
            first = i;
            break;
        }
    }
    if (first < 0)
        return result;
    result.found = true;
    result.start = segments[first].start;
    result.store = segments[first].content;
    qint64 end = segments[first].start + segments[first].length;
    quint32 expected = 2;
    for (qsizetype i = first + 1; i < segments.size(); ++i) {
        const App11Segment& s = segments[i];
        if (s.instance != segments[first].instance)
            continue;
        if (s.sequence != expected || s.start != end || s.content.size() < 8) {
            result.error =
                QStringLiteral("the manifest's APP11 segments are out of order or not adjacent");
            return result;
        }
        result.store += s.content.mid(8); // each continuation repeats LBox and TBox
        end = s.start + s.length;
        ++expected;
    }
    result.length = end - result.start;
    return result;
}

// A WebP: "RIFF", its size (little-endian, the bytes after it), "WEBP", then chunks of a
// FourCC, a little-endian size and the data padded to an even length.
bool isWebP(const QByteArray& file) {
    return file.size() >= 12 && file.startsWith("RIFF") && file.mid(8, 4) == "WEBP";
}

C2paContainer::Located locateWebP(const QByteArray& file) {
    C2paContainer::Located result;
    const qint64 riffEnd =
        qMin<qint64>(file.size(), 8 + qint64(qFromLittleEndian<quint32>(file.constData() + 4)));
    qint64 pos = 12;
    while (pos + 8 <= riffEnd) {
        const QByteArray type = file.mid(pos, 4);
        const quint32 length = qFromLittleEndian<quint32>(file.constData() + pos + 4);
        if (qint64(length) > riffEnd - pos - 8) {
            result.error = QStringLiteral("WebP chunk \"%1\" at byte %2 runs past the end of the file")
                               .arg(QString::fromLatin1(type.toHex()))
                               .arg(pos);
            return result;
        }
        const qint64 padded = qint64(length) + (length & 1u);
        if (type == "C2PA") {
            if (result.found) {
                result.error = QStringLiteral("the WebP has more than one C2PA chunk");
                return result;
            }
            result.found = true;
            result.store = file.mid(pos + 8, length);
            result.start = pos;
            result.length = qMin<qint64>(8 + padded, file.size() - pos);
        }
        pos += 8 + padded;
    }
    return result;
}

// A TIFF: "II*\0" (little-endian) or "MM\0*", the first IFD's offset, then IFDs of a 16-bit
// entry count, 12-byte entries (tag, type, count, value or offset) and the next IFD's offset.
constexpr quint16 kTiffC2paTag = 0xCD41;
constexpr quint16 kTiffUndefined = 7;

bool isTiff(const QByteArray& file) {
    return file.size() >= 8 &&
           (file.startsWith(QByteArray("II*\0", 4)) || file.startsWith(QByteArray("MM\0*", 4)));
}

struct Tiff {
    bool little = true;
    quint32 ifd = 0;     // the first IFD's offset
    quint16 entries = 0; // its entry count
    QString error;

    quint16 u16(const QByteArray& f, qint64 at) const {
        return little ? qFromLittleEndian<quint16>(f.constData() + at)
                      : qFromBigEndian<quint16>(f.constData() + at);
    }
    quint32 u32(const QByteArray& f, qint64 at) const {
        return little ? qFromLittleEndian<quint32>(f.constData() + at)
                      : qFromBigEndian<quint32>(f.constData() + at);
    }
    void put16(char* at, quint16 v) const { little ? qToLittleEndian(v, at) : qToBigEndian(v, at); }
    void put32(char* at, quint32 v) const { little ? qToLittleEndian(v, at) : qToBigEndian(v, at); }
};

Tiff readTiff(const QByteArray& file) {
    Tiff t;
    t.little = file.startsWith("II");
    t.ifd = t.u32(file, 4);
    if (t.ifd < 8 || qint64(t.ifd) + 2 > file.size()) {
        t.error = QStringLiteral("the TIFF's first IFD lies outside the file");
        return t;
    }
    t.entries = t.u16(file, t.ifd);
    if (qint64(t.ifd) + 2 + qint64(t.entries) * 12 + 4 > file.size())
        t.error = QStringLiteral("the TIFF's first IFD runs past the end of the file");
    return t;
}

C2paContainer::Located locateTiff(const QByteArray& file) {
    C2paContainer::Located result;
    const Tiff t = readTiff(file);
    if (!t.error.isEmpty()) {
        result.error = t.error;
        return result;
    }
    for (quint16 i = 0; i < t.entries; ++i) {
        const qint64 entry = qint64(t.ifd) + 2 + qint64(i) * 12;
        if (t.u16(file, entry) != kTiffC2paTag)
            continue;
        const quint32 count = t.u32(file, entry + 4);
        const quint32 offset = count <= 4 ? quint32(entry + 8) : t.u32(file, entry + 8);
        if (qint64(offset) + qint64(count) > file.size()) {
            result.error = QStringLiteral("the TIFF's C2PA tag points past the end of the file");
            return result;
        }
        result.found = true;
        result.store = file.mid(offset, count);
        result.start = offset;
        result.length = count;
        return result;
    }
    return result;
}

// The new first IFD: the old one's entries with the C2PA entry in tag order, then the old
// next-IFD offset.
QByteArray tiffIfdWithC2pa(const QByteArray& file, const Tiff& t, quint32 storeOffset,
                           quint32 storeSize) {
    QByteArray count(2, '\0');
    t.put16(count.data(), quint16(t.entries + 1));
    QByteArray c2pa(12, '\0');
    t.put16(c2pa.data(), kTiffC2paTag);
    t.put16(c2pa.data() + 2, kTiffUndefined);
    t.put32(c2pa.data() + 4, storeSize);
    t.put32(c2pa.data() + 8, storeOffset);
    QByteArray ifd = count;
    bool placed = false;
    for (quint16 i = 0; i < t.entries; ++i) {
        const qint64 entry = qint64(t.ifd) + 2 + qint64(i) * 12;
        if (!placed && t.u16(file, entry) > kTiffC2paTag) {
            ifd += c2pa;
            placed = true;
        }
        ifd += file.mid(entry, 12);
    }
    if (!placed)
        ifd += c2pa;
    ifd += file.mid(qint64(t.ifd) + 2 + qint64(t.entries) * 12, 4); // the next IFD's offset
    return ifd;
}

QByteArray littleEndian32(quint32 value) {
    QByteArray out(4, '\0');
    qToLittleEndian(value, out.data());
    return out;
}

} // namespace

C2paContainer::Format C2paContainer::detect(const QByteArray& file) {
    if (file.startsWith(kPngSignature))
        return Format::Png;
    if (file.size() >= 4 && quint8(file[0]) == 0xFF && quint8(file[1]) == 0xD8)
        return Format::Jpeg;
    if (isWebP(file))
        return Format::WebP;
    if (isTiff(file))
        return Format::Tiff;
    return Format::Unknown;
}

QString C2paContainer::mimeType(Format format) {
    switch (format) {
    case Format::Png:
        return QStringLiteral("image/png");
    case Format::Jpeg:
        return QStringLiteral("image/jpeg");
    case Format::WebP:
        return QStringLiteral("image/webp");
    case Format::Tiff:
        return QStringLiteral("image/tiff");
    case Format::Unknown:
        break;
    }
    return {};
}

qint64 C2paContainer::insertionOffset(const QByteArray& file, Format format, QString* error) {
    if (format == Format::Png) {
        if (file.size() < 8 + 12 || file.mid(12, 4) != "IHDR") {
            *error = QStringLiteral("the PNG does not start with an IHDR chunk");
            return -1;
        }
        const quint32 length = qFromBigEndian<quint32>(file.constData() + 8);
        if (qint64(length) > file.size() - 8 - 12) {
            *error = QStringLiteral("the PNG's IHDR chunk runs past the end of the file");
            return -1;
        }
        return 8 + 12 + qint64(length);
    }
    if (format == Format::Jpeg) {
        qint64 pos = 2;
        while (pos + 4 <= file.size()) {
            const quint8 marker = quint8(file[pos + 1]);
            if (quint8(file[pos]) != 0xFF || marker < 0xE0 || marker > 0xEF)
                return pos;
            const quint16 length = qFromBigEndian<quint16>(file.constData() + pos + 2);
            if (length < 2 || length > file.size() - pos - 2)
                break;
            pos += qint64(length) + 2;
        }
        *error = QStringLiteral("the JPEG's segments run past the end of the file");
        return -1;
    }
    if (format == Format::WebP) {
        // At the end, after every chunk: a reader meets the picture first, as in files c2pa-rs
        // writes, and no chunk moves.
        const qint64 riffEnd = 8 + qint64(qFromLittleEndian<quint32>(file.constData() + 4));
        if (riffEnd != file.size() || file.size() % 2 != 0 || locateWebP(file).error.size()) {
            *error = QStringLiteral("the WebP's RIFF size does not match the file");
            return -1;
        }
        return file.size();
    }
    if (format == Format::Tiff) {
        // After the file (word-aligned) and the new first IFD that points at the store.
        const Tiff t = readTiff(file);
        if (!t.error.isEmpty()) {
            *error = t.error;
            return -1;
        }
        return file.size() + (file.size() % 2) + 2 + (qint64(t.entries) + 1) * 12 + 4;
    }
    *error = QStringLiteral("not a PNG, JPEG, WebP or TIFF file");
    return -1;
}

QByteArray C2paContainer::prepare(const QByteArray& file, Format format, qint64 wrappedSize) {
    if (format == Format::Tiff) {
        const Tiff t = readTiff(file);
        if (!t.error.isEmpty())
            return file;
        QByteArray out = file;
        if (out.size() % 2 != 0)
            out += '\0';
        const quint32 newIfd = quint32(out.size());
        const quint32 storeOffset = quint32(newIfd + 2 + (quint32(t.entries) + 1) * 12 + 4);
        out += tiffIfdWithC2pa(file, t, storeOffset, quint32(wrappedSize));
        t.put32(out.data() + 4, newIfd);
        return out;
    }
    if (format != Format::WebP)
        return file;
    QByteArray out = file;
    const quint32 riffSize = qFromLittleEndian<quint32>(file.constData() + 4);
    qToLittleEndian(quint32(riffSize + quint32(wrappedSize)), out.data() + 4);
    return out;
}

qint64 C2paContainer::wrappedSize(qint64 storeSize, Format format) {
    if (format == Format::Png)
        return storeSize + 12;
    if (format == Format::WebP)
        return 8 + storeSize + (storeSize & 1);
    if (format == Format::Tiff)
        return storeSize;
    const qint64 segments =
        qMax<qint64>(1, (storeSize + kJpegMaxStorePerSegment - 1) / kJpegMaxStorePerSegment);
    // marker and length (4), CI, En, Z (8); continuations repeat LBox and TBox (8)
    return storeSize + segments * 12 + (segments - 1) * 8;
}

QByteArray C2paContainer::wrap(const QByteArray& store, Format format) {
    if (format == Format::Png) {
        const QByteArray typeAndData = QByteArrayLiteral("caBX") + store;
        return bigEndian32(quint32(store.size())) + typeAndData + bigEndian32(pngCrc(typeAndData));
    }
    if (format == Format::Tiff)
        return store;
    if (format == Format::WebP) {
        QByteArray chunk = QByteArrayLiteral("C2PA") + littleEndian32(quint32(store.size())) + store;
        if (store.size() % 2 != 0)
            chunk += '\0';
        return chunk;
    }
    QByteArray out;
    quint32 sequence = 1;
    for (qint64 pos = 0; pos < store.size() || sequence == 1;
         pos += kJpegMaxStorePerSegment, ++sequence) {
        QByteArray content =
            QByteArrayLiteral("JP") + bigEndian16(kJpegBoxInstance) + bigEndian32(sequence);
        if (sequence > 1)
            content += store.left(8);
        content += store.mid(pos, kJpegMaxStorePerSegment);
        out += QByteArrayLiteral("\xFF\xEB") + bigEndian16(quint16(content.size() + 2)) + content;
    }
    return out;
}

C2paContainer::Located C2paContainer::locate(const QByteArray& file) {
    switch (detect(file)) {
    case Format::Png:
        return locatePng(file);
    case Format::Jpeg:
        return locateJpeg(file);
    case Format::WebP:
        return locateWebP(file);
    case Format::Tiff:
        return locateTiff(file);
    case Format::Unknown:
        break;
    }
    return {};
}

} // namespace limner::app
