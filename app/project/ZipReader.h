#pragma once

#include <QByteArray>
#include <QString>
#include <optional>
#include <vector>

namespace limner::app {

// Reads a ZIP archive held in memory (stored and deflated entries, no ZIP64, no encryption),
// written for files that may be hostile: every size, offset and name is checked against the
// archive and against Limits before anything is allocated or inflated.
//
//   ZipReader zip;
//   if (!zip.open(bytes, ZipReader::Limits(), &error)) ...
//   std::optional<QByteArray> xml = zip.read(QStringLiteral("stack.xml"), &error);
//
// Guarantees: open() refuses names that are absolute or climb out of the archive (".."),
//   duplicate names, entries whose data lie outside the archive or overlap, and archives past
//   the limits, each with a message; read() never produces more bytes than the entry declares
//   and checks the CRC. Nothing is ever written to disk.
class ZipReader {
public:
    struct Limits {
        qint64 maxArchiveBytes = (qint64(1) << 32) - 1; // no ZIP64
        int maxEntries = 4096;
        qint64 maxEntryBytes = qint64(1) << 30;   // uncompressed, one entry
        qint64 maxTotalBytes = qint64(4) << 30;   // uncompressed, all entries together
        qint64 maxRatio = 100;                    // uncompressed / compressed, for entries past…
        qint64 ratioFloorBytes = qint64(1) << 20; // …this size (small text compresses well)
    };

    struct Entry {
        QString name;
        quint16 method = 0; // 0 stored, 8 deflated
        quint32 crc = 0;
        qint64 compressedSize = 0;
        qint64 uncompressedSize = 0;
        qint64 headerOffset = 0; // local file header
        qint64 dataOffset = 0;
        bool isDirectory() const { return name.endsWith(QLatin1Char('/')); }
    };

    // Parses and checks the central directory; false with *errorMessage when the archive is
    // damaged, hostile or past the limits. The archive's bytes are shared, not copied.
    bool open(const QByteArray& archive, const Limits& limits, QString* errorMessage);

    const std::vector<Entry>& entries() const { return m_entries; }
    const Entry* find(const QString& name) const; // nullptr when absent

    // The entry's uncompressed bytes, or nothing with *errorMessage set.
    std::optional<QByteArray> read(const Entry& entry, QString* errorMessage) const;
    std::optional<QByteArray> read(const QString& name, QString* errorMessage) const;

    static QString checkEntryName(const QString& name); // empty when acceptable

private:
    QByteArray m_archive;
    std::vector<Entry> m_entries;
};

} // namespace limner::app
