#include "app/project/ImageExporter.h"

#include "app/Document.h"
#include "app/ImageIO.h"
#include "app/project/ProjectSnapshot.h"
#include "app/project/Provenance.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <exception>
#include <mutex>
#include <zlib.h>

// Exiv2 0.27's API hands out std::auto_ptr; the warning is about its header, not this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>

namespace limner::app {

namespace {

void put32(QByteArray& out, quint32 v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.append(static_cast<char>((v >> shift) & 0xff));
}

QString creatorTool() {
    const QString version = QCoreApplication::applicationVersion();
    return version.isEmpty() ? QStringLiteral("Limner") : QStringLiteral("Limner %1").arg(version);
}

} // namespace

QByteArray ImageExporter::embedXmp(const QByteArray& encoded, const QByteArray& xmpPacket,
                                   QString* errorMessage) {
    static std::once_flag initialised;
    std::call_once(initialised, [] {
        Exiv2::XmpParser::initialize();
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    });
    try {
        Exiv2::Image::AutoPtr image =
            Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(encoded.constData()),
                                      static_cast<long>(encoded.size()));
        if (!image.get())
            throw Exiv2::Error(Exiv2::kerUnsupportedImageType, "encoded image");
        image->readMetadata();
        image->setXmpPacket(
            std::string(xmpPacket.constData(), static_cast<std::size_t>(xmpPacket.size())));
        image->writeXmpFromPacket(true);
        image->writeMetadata();
        Exiv2::BasicIo& io = image->io();
        io.seek(0, Exiv2::BasicIo::beg);
        const Exiv2::DataBuf data = io.read(static_cast<long>(io.size()));
        return QByteArray(reinterpret_cast<const char*>(data.pData_),
                          static_cast<qsizetype>(data.size_));
    } catch (const std::exception& e) {
        if (errorMessage)
            *errorMessage = QStringLiteral("the provenance metadata could not be written (%1)")
                                .arg(QString::fromLocal8Bit(e.what()));
        return {};
    }
}

QByteArray ImageExporter::addPngText(const QByteArray& png, const QString& keyword,
                                     const QString& text) {
    constexpr int kAfterIhdr = 8 + 8 + 13 + 4; // signature, IHDR header, IHDR data, CRC
    if (png.size() < kAfterIhdr || png.mid(12, 4) != "IHDR")
        return {};
    QByteArray body = keyword.toLatin1();
    QByteArray type;
    const bool latin1 = QString::fromLatin1(text.toLatin1()) == text;
    if (latin1) {
        type = "tEXt";
        body.append('\0').append(text.toLatin1());
    } else {
        type = "iTXt";
        body.append('\0').append('\0').append('\0'); // no compression
        body.append('\0').append('\0');              // no language tag, no translated keyword
        body.append(text.toUtf8());
    }
    QByteArray chunk;
    put32(chunk, static_cast<quint32>(body.size()));
    const QByteArray typed = type + body;
    chunk.append(typed);
    put32(chunk, static_cast<quint32>(crc32(crc32(0L, Z_NULL, 0),
                                            reinterpret_cast<const Bytef*>(typed.constData()),
                                            static_cast<uInt>(typed.size()))));
    QByteArray out = png;
    out.insert(kAfterIhdr, chunk);
    return out;
}

bool ImageExporter::exportImage(const ProjectSnapshot& snapshot, const QString& path,
                                const Options& options, QString* errorMessage) {
    QString error;
    auto fail = [&](const QString& reason) {
        if (errorMessage)
            *errorMessage =
                QStringLiteral("cannot export %1: %2").arg(QDir::toNativeSeparators(path), reason);
        return false;
    };
    if (const QString problem = ImageIO::checkWritable(path); !problem.isEmpty()) {
        if (errorMessage)
            *errorMessage = problem;
        return false;
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    QByteArray bytes = ImageIO::encode(snapshot.flatten(), suffix, &error, options.quality);
    if (bytes.isEmpty())
        return fail(error);
    const QByteArray xmp = Provenance::xmpPacket(Provenance::of(snapshot), creatorTool());
    if (!xmp.isEmpty()) {
        bytes = embedXmp(bytes, xmp, &error);
        if (bytes.isEmpty())
            return fail(error);
    }
    if (options.generationParameters && suffix == QLatin1String("png")) {
        const QString parameters = Provenance::generationParameters(snapshot);
        if (!parameters.isEmpty())
            bytes = addPngText(bytes, QStringLiteral("parameters"), parameters);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        return fail(reason);
    }
    if (!file.commit())
        return fail(file.errorString());
    if (errorMessage)
        errorMessage->clear();
    return true;
}

bool ImageExporter::exportImage(const Document& document, const QString& path, const Options& options,
                                QString* errorMessage) {
    return exportImage(ProjectSnapshot::fromDocument(document), path, options, errorMessage);
}

} // namespace limner::app

#pragma GCC diagnostic pop
