#include "app/project/ZipReader.h"

#include <QSet>
#include <algorithm>
#include <zlib.h>

namespace limner::app {

namespace {

constexpr quint32 kEndOfCentralDirectory = 0x06054b50;
constexpr quint32 kCentralHeader = 0x02014b50;
constexpr quint32 kLocalHeader = 0x04034b50;
constexpr qint64 kEndRecordSize = 22;
constexpr qint64 kCentralHeaderSize = 46;
constexpr qint64 kLocalHeaderSize = 30;
constexpr int kMaxNameBytes = 1024;

quint16 u16(const QByteArray& b, qint64 at) {
    const auto* p = reinterpret_cast<const uchar*>(b.constData() + at);
    return static_cast<quint16>(p[0] | (p[1] << 8));
}

quint32 u32(const QByteArray& b, qint64 at) {
    const auto* p = reinterpret_cast<const uchar*>(b.constData() + at);
    return quint32(p[0]) | (quint32(p[1]) << 8) | (quint32(p[2]) << 16) | (quint32(p[3]) << 24);
}

QString mib(qint64 bytes) {
    return QStringLiteral("%1 MiB").arg((bytes + (qint64(1) << 20) - 1) >> 20);
}

} // namespace

QString ZipReader::checkEntryName(const QString& name) {
    if (name.isEmpty())
        return QStringLiteral("an entry has no name");
    if (name.startsWith(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) ||
        name.contains(QLatin1Char(':')))
        return QStringLiteral("the entry name '%1' is an absolute path").arg(name);
    for (const QChar c : name) {
        if (c.unicode() < 0x20 || c == QChar::ReplacementCharacter)
            return QStringLiteral("the entry name '%1' contains control or invalid characters")
                .arg(name);
    }
    QStringList parts = name.split(QLatin1Char('/'));
    if (name.endsWith(QLatin1Char('/')))
        parts.removeLast();
    for (const QString& part : parts) {
        if (part == QLatin1String(".."))
            return QStringLiteral("the entry name '%1' climbs out of the archive").arg(name);
        if (part.isEmpty() || part == QLatin1String("."))
            return QStringLiteral("the entry name '%1' has an empty or '.' component").arg(name);
    }
    return {};
}

bool ZipReader::open(const QByteArray& archive, const Limits& limits, QString* errorMessage) {
    m_archive.clear();
    m_entries.clear();
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        m_entries.clear();
        return false;
    };
    const qint64 size = archive.size();
    if (size > limits.maxArchiveBytes)
        return fail(QStringLiteral("the archive is %1, more than the limit of %2")
                        .arg(mib(size), mib(limits.maxArchiveBytes)));
    if (size < kEndRecordSize)
        return fail(QStringLiteral("it is not a ZIP archive (too short)"));

    // The end record sits in the last 22 + 65535 bytes (its comment is at most 65535 long).
    qint64 end = -1;
    for (qint64 at = size - kEndRecordSize; at >= std::max<qint64>(0, size - kEndRecordSize - 0xffff);
         --at) {
        if (u32(archive, at) == kEndOfCentralDirectory &&
            at + kEndRecordSize + u16(archive, at + 20) == size) {
            end = at;
            break;
        }
    }
    if (end < 0)
        return fail(QStringLiteral("it is not a ZIP archive or it is truncated (no end of central "
                                   "directory)"));
    const quint16 disk = u16(archive, end + 4);
    const quint16 cdDisk = u16(archive, end + 6);
    const quint16 entriesHere = u16(archive, end + 8);
    const quint16 entriesTotal = u16(archive, end + 10);
    const qint64 cdSize = u32(archive, end + 12);
    const qint64 cdOffset = u32(archive, end + 16);
    if (entriesTotal == 0xffff || cdSize == 0xffffffff || cdOffset == 0xffffffff)
        return fail(QStringLiteral("ZIP64 archives are not supported"));
    if (disk != 0 || cdDisk != 0 || entriesHere != entriesTotal)
        return fail(QStringLiteral("multi-part ZIP archives are not supported"));
    if (entriesTotal > limits.maxEntries)
        return fail(QStringLiteral("the archive has %1 entries, more than the limit of %2")
                        .arg(entriesTotal)
                        .arg(limits.maxEntries));
    if (cdOffset + cdSize > end)
        return fail(QStringLiteral("the central directory lies outside the archive"));

    QSet<QString> names;
    qint64 total = 0;
    qint64 at = cdOffset;
    std::vector<std::pair<qint64, qint64>> ranges;
    for (int i = 0; i < entriesTotal; ++i) {
        if (at + kCentralHeaderSize > cdOffset + cdSize || u32(archive, at) != kCentralHeader)
            return fail(QStringLiteral("the central directory is damaged (entry %1)").arg(i + 1));
        const quint16 flags = u16(archive, at + 8);
        Entry e;
        e.method = u16(archive, at + 10);
        e.crc = u32(archive, at + 16);
        e.compressedSize = u32(archive, at + 20);
        e.uncompressedSize = u32(archive, at + 24);
        const qint64 nameLength = u16(archive, at + 28);
        const qint64 extraLength = u16(archive, at + 30);
        const qint64 commentLength = u16(archive, at + 32);
        e.headerOffset = u32(archive, at + 42);
        const qint64 next = at + kCentralHeaderSize + nameLength + extraLength + commentLength;
        if (next > cdOffset + cdSize)
            return fail(QStringLiteral("the central directory is damaged (entry %1)").arg(i + 1));
        if (nameLength > kMaxNameBytes)
            return fail(QStringLiteral("entry %1 has a name longer than %2 bytes")
                            .arg(i + 1)
                            .arg(kMaxNameBytes));
        const QByteArray rawName = archive.mid(at + kCentralHeaderSize, nameLength);
        e.name = QString::fromUtf8(rawName);
        if (const QString problem = checkEntryName(e.name); !problem.isEmpty())
            return fail(problem);
        if (names.contains(e.name))
            return fail(QStringLiteral("the entry '%1' appears twice").arg(e.name));
        names.insert(e.name);
        if (flags & 0x1)
            return fail(QStringLiteral("the entry '%1' is encrypted").arg(e.name));
        if (e.method != 0 && e.method != 8)
            return fail(QStringLiteral("the entry '%1' uses compression method %2; only stored and "
                                       "deflated entries are supported")
                            .arg(e.name)
                            .arg(e.method));
        if (e.method == 0 && e.compressedSize != e.uncompressedSize)
            return fail(
                QStringLiteral("the stored entry '%1' declares two different sizes").arg(e.name));
        if (e.uncompressedSize > limits.maxEntryBytes)
            return fail(QStringLiteral("the entry '%1' would expand to %2, more than the limit of %3")
                            .arg(e.name, mib(e.uncompressedSize), mib(limits.maxEntryBytes)));
        total += e.uncompressedSize;
        if (total > limits.maxTotalBytes)
            return fail(QStringLiteral("the archive would expand to more than the limit of %1")
                            .arg(mib(limits.maxTotalBytes)));
        if (e.uncompressedSize > limits.ratioFloorBytes &&
            e.uncompressedSize > e.compressedSize * limits.maxRatio)
            return fail(QStringLiteral("the entry '%1' would expand %2 times, more than the limit of "
                                       "%3 (a ZIP bomb?)")
                            .arg(e.name)
                            .arg(e.uncompressedSize / std::max<qint64>(1, e.compressedSize))
                            .arg(limits.maxRatio));

        const qint64 local = e.headerOffset;
        if (local + kLocalHeaderSize > cdOffset || u32(archive, local) != kLocalHeader)
            return fail(QStringLiteral("the entry '%1' points outside the archive").arg(e.name));
        const qint64 localNameLength = u16(archive, local + 26);
        const qint64 localExtraLength = u16(archive, local + 28);
        e.dataOffset = local + kLocalHeaderSize + localNameLength + localExtraLength;
        if (e.dataOffset + e.compressedSize > cdOffset)
            return fail(QStringLiteral("the entry '%1' points outside the archive").arg(e.name));
        if (archive.mid(local + kLocalHeaderSize, localNameLength) != rawName)
            return fail(
                QStringLiteral("the entry '%1' has a different name in its local header").arg(e.name));
        ranges.emplace_back(local, e.dataOffset + e.compressedSize);
        m_entries.push_back(e);
        at = next;
    }
    // Overlapping entries are how the worst ZIP bombs reuse one compressed stream many times.
    std::sort(ranges.begin(), ranges.end());
    for (std::size_t i = 1; i < ranges.size(); ++i) {
        if (ranges[i].first < ranges[i - 1].second)
            return fail(QStringLiteral("entries of the archive overlap each other"));
    }
    m_archive = archive;
    if (errorMessage)
        errorMessage->clear();
    return true;
}

const ZipReader::Entry* ZipReader::find(const QString& name) const {
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [&](const Entry& e) { return e.name == name; });
    return it == m_entries.end() ? nullptr : &*it;
}

std::optional<QByteArray> ZipReader::read(const QString& name, QString* errorMessage) const {
    const Entry* entry = find(name);
    if (!entry) {
        if (errorMessage)
            *errorMessage = QStringLiteral("the archive has no entry '%1'").arg(name);
        return std::nullopt;
    }
    return read(*entry, errorMessage);
}

std::optional<QByteArray> ZipReader::read(const Entry& entry, QString* errorMessage) const {
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return std::optional<QByteArray>();
    };
    const char* data = m_archive.constData() + entry.dataOffset;
    QByteArray out;
    if (entry.method == 0) {
        out = QByteArray(data, static_cast<qsizetype>(entry.compressedSize));
    } else {
        // One spare byte shows a stream that inflates past its declared size.
        out.resize(static_cast<qsizetype>(entry.uncompressedSize + 1));
        z_stream stream{};
        if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
            return fail(QStringLiteral("cannot inflate '%1': out of memory").arg(entry.name));
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        stream.avail_in = static_cast<uInt>(entry.compressedSize);
        stream.next_out = reinterpret_cast<Bytef*>(out.data());
        stream.avail_out = static_cast<uInt>(out.size());
        const int result = inflate(&stream, Z_FINISH);
        const qint64 produced = static_cast<qint64>(stream.total_out);
        inflateEnd(&stream);
        if (result != Z_STREAM_END || produced != entry.uncompressedSize)
            return fail(QStringLiteral("the entry '%1' is damaged (it does not inflate to its declared "
                                       "size)")
                            .arg(entry.name));
        out.resize(static_cast<qsizetype>(produced));
    }
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.constData()),
                            static_cast<uInt>(out.size()));
    if (crc != entry.crc)
        return fail(QStringLiteral("the entry '%1' is damaged (checksum mismatch)").arg(entry.name));
    if (errorMessage)
        errorMessage->clear();
    return out;
}

} // namespace limner::app
