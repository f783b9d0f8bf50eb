#include "app/cli/VerifyCommand.h"

#include "app/ImageConvert.h"
#include "app/c2pa/C2paReader.h"
#include "app/c2pa/C2paReport.h"
#include "engine/imaging/Watermark.h"

#include <QFile>
#include <QImage>
#include <QTextStream>

namespace limner::cli {

namespace {

constexpr qint64 kLargestFile = qint64(1) << 30; // read whole; larger files are not pictures here

QString watermarkLine(const QByteArray& bytes) {
    QImage image;
    if (!image.loadFromData(bytes))
        return QStringLiteral("Invisible watermark: the pixels could not be decoded");
    const engine::Image pixels = app::ImageConvert::toEngineRgb(image);
    const engine::imaging::WatermarkDetection seen = engine::imaging::Watermark::detect(pixels);
    if (!seen.status.isOk())
        return QStringLiteral("Invisible watermark: not checked (%1)")
            .arg(QString::fromStdString(seen.status.message()));
    if (!seen.found)
        return QStringLiteral("Invisible watermark: none found");
    return QStringLiteral("Invisible watermark: Limner's, signer tag %1, %2 % of the cells agree%3")
        .arg(QStringLiteral("%1").arg(seen.payload, 4, 16, QLatin1Char('0')))
        .arg(qRound(seen.confidence * 100))
        .arg(seen.scale < 1.0 ? QStringLiteral(", read at %1× scale").arg(seen.scale) : QString());
}

} // namespace

int VerifyCommand::run() const {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        QTextStream(stderr) << "limner-cli: cannot read " << path << ": " << file.errorString()
                            << Qt::endl;
        return 1;
    }
    if (file.size() > kLargestFile) {
        QTextStream(stderr) << "limner-cli: " << path
                            << " is larger than 1 GiB; not a picture to verify" << Qt::endl;
        return 1;
    }
    const QByteArray bytes = file.readAll();
    const app::C2paReport report = app::C2paReader::read(bytes);
    QTextStream out(stdout);
    out << path << Qt::endl;
    out << report.text().trimmed() << Qt::endl;
    out << watermarkLine(bytes) << Qt::endl;
    switch (report.state) {
    case app::C2paReport::State::Valid:
    case app::C2paReport::State::ValidUntrusted:
        return 0;
    case app::C2paReport::State::NoManifest:
        return kExitNoCredentials;
    case app::C2paReport::State::HashMismatch:
    case app::C2paReport::State::SignatureInvalid:
    case app::C2paReport::State::Malformed:
        break;
    }
    return kExitInvalid;
}

} // namespace limner::cli
