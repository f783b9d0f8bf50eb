#pragma once

#include <QByteArray>
#include <QString>
#include <vector>

class QIODevice;

namespace limner::app {

// Writes a ZIP archive (stored or deflated entries, UTF-8 names, no ZIP64) to a device, in the
// order entries are added: OpenRaster needs "mimetype" first and stored.
//
// Requirements: device is open for writing and sequential writes suffice.
// Guarantees: after a failed write every further call fails and errorString() says why; the
//   archive stays under 4 GiB or finish() fails.
class ZipWriter {
public:
    enum class Compression { Stored, Deflated };

    explicit ZipWriter(QIODevice* device);

    bool addFile(const QString& name, const QByteArray& data, Compression compression);
    bool finish(); // writes the central directory
    QString errorString() const { return m_error; }

private:
    struct Written {
        QByteArray name;
        quint16 method;
        quint32 crc;
        quint32 compressedSize;
        quint32 uncompressedSize;
        quint32 headerOffset;
    };

    bool writeBytes(const QByteArray& bytes);

    QIODevice* m_device;
    std::vector<Written> m_written;
    qint64 m_offset = 0;
    quint16 m_dosTime = 0;
    quint16 m_dosDate = 0;
    QString m_error;
};

} // namespace limner::app
