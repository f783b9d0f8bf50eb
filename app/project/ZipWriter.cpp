#include "app/project/ZipWriter.h"

#include <QDateTime>
#include <QIODevice>
#include <zlib.h>

namespace limner::app {

namespace {

constexpr qint64 kMaxArchiveBytes = 0xffffffffLL;
constexpr quint16 kUtf8NamesFlag = 0x0800;

void put16(QByteArray& out, quint32 v) {
    out.append(static_cast<char>(v & 0xff));
    out.append(static_cast<char>((v >> 8) & 0xff));
}

void put32(QByteArray& out, quint32 v) {
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}

QByteArray deflateRaw(const QByteArray& data) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return {};
    QByteArray out;
    out.resize(static_cast<qsizetype>(deflateBound(&stream, static_cast<uLong>(data.size()))));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = deflate(&stream, Z_FINISH);
    out.resize(static_cast<qsizetype>(stream.total_out));
    deflateEnd(&stream);
    return result == Z_STREAM_END ? out : QByteArray();
}

} // namespace

ZipWriter::ZipWriter(QIODevice* device)
    : m_device(device) {
    const QDateTime now = QDateTime::currentDateTime();
    const QDate d = now.date();
    const QTime t = now.time();
    m_dosDate =
        static_cast<quint16>(((std::max(d.year(), 1980) - 1980) << 9) | (d.month() << 5) | d.day());
    m_dosTime = static_cast<quint16>((t.hour() << 11) | (t.minute() << 5) | (t.second() / 2));
}

bool ZipWriter::writeBytes(const QByteArray& bytes) {
    if (!m_error.isEmpty())
        return false;
    if (m_offset + bytes.size() > kMaxArchiveBytes) {
        m_error =
            QStringLiteral("the project would be larger than 4 GiB, more than a ZIP archive holds");
        return false;
    }
    if (m_device->write(bytes) != bytes.size()) {
        m_error = m_device->errorString();
        if (m_error.isEmpty())
            m_error = QStringLiteral("write error");
        return false;
    }
    m_offset += bytes.size();
    return true;
}

bool ZipWriter::addFile(const QString& name, const QByteArray& data, Compression compression) {
    if (!m_error.isEmpty())
        return false;
    if (data.size() > kMaxArchiveBytes) {
        m_error = QStringLiteral("the entry %1 is larger than 4 GiB").arg(name);
        return false;
    }
    Written w;
    w.name = name.toUtf8();
    w.crc = static_cast<quint32>(crc32(crc32(0L, Z_NULL, 0),
                                       reinterpret_cast<const Bytef*>(data.constData()),
                                       static_cast<uInt>(data.size())));
    w.uncompressedSize = static_cast<quint32>(data.size());
    w.headerOffset = static_cast<quint32>(m_offset);
    QByteArray payload = data;
    w.method = 0;
    if (compression == Compression::Deflated) {
        QByteArray packed = deflateRaw(data);
        // Already-compressed data (PNG) can grow when deflated again: then it is stored.
        if (!packed.isEmpty() && packed.size() < data.size()) {
            payload = packed;
            w.method = 8;
        }
    }
    w.compressedSize = static_cast<quint32>(payload.size());

    QByteArray header;
    put32(header, 0x04034b50);
    put16(header, w.method == 8 ? 20 : 10);
    put16(header, kUtf8NamesFlag);
    put16(header, w.method);
    put16(header, m_dosTime);
    put16(header, m_dosDate);
    put32(header, w.crc);
    put32(header, w.compressedSize);
    put32(header, w.uncompressedSize);
    put16(header, static_cast<quint32>(w.name.size()));
    put16(header, 0); // no extra field: OpenRaster readers sniff "mimetype" at a fixed offset
    header.append(w.name);
    if (!writeBytes(header) || !writeBytes(payload))
        return false;
    m_written.push_back(w);
    return true;
}

bool ZipWriter::finish() {
    if (!m_error.isEmpty())
        return false;
    if (m_written.size() > 0xfffe) {
        m_error = QStringLiteral("too many entries for a ZIP archive");
        return false;
    }
    const qint64 cdOffset = m_offset;
    QByteArray directory;
    for (const Written& w : m_written) {
        put32(directory, 0x02014b50);
        put16(directory, (3 << 8) | 20); // made by: Unix, so unzip keeps the permissions below
        put16(directory, w.method == 8 ? 20 : 10);
        put16(directory, kUtf8NamesFlag);
        put16(directory, w.method);
        put16(directory, m_dosTime);
        put16(directory, m_dosDate);
        put32(directory, w.crc);
        put32(directory, w.compressedSize);
        put32(directory, w.uncompressedSize);
        put16(directory, static_cast<quint32>(w.name.size()));
        put16(directory, 0);
        put16(directory, 0);
        put16(directory, 0);
        put16(directory, 0);
        put32(directory, 0100644u << 16);
        put32(directory, w.headerOffset);
        directory.append(w.name);
    }
    if (!writeBytes(directory))
        return false;
    QByteArray end;
    put32(end, 0x06054b50);
    put16(end, 0);
    put16(end, 0);
    put16(end, static_cast<quint32>(m_written.size()));
    put16(end, static_cast<quint32>(m_written.size()));
    put32(end, static_cast<quint32>(directory.size()));
    put32(end, static_cast<quint32>(cdOffset));
    put16(end, 0);
    return writeBytes(end);
}

} // namespace limner::app
