#include "app/project/OraWriter.h"

#include "app/project/ProjectSnapshot.h"
#include "app/project/StagingCodec.h"
#include "app/project/ZipWriter.h"

#include <QBuffer>
#include <QImageWriter>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QXmlStreamWriter>

namespace limner::app {

namespace {

QByteArray encodePng(const QImage& image, OraWriter::PngSpeed speed) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    // Qt maps PNG "quality" to zlib's level: 100 = fastest.
    if (speed == OraWriter::PngSpeed::Fast)
        writer.setQuality(90);
    if (!writer.write(image))
        return {};
    return bytes;
}

QString number(double value) {
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QByteArray stackXml(const ProjectSnapshot& snapshot, const QStringList& sources) {
    QByteArray xml;
    QXmlStreamWriter w(&xml);
    w.setAutoFormatting(true);
    w.writeStartDocument();
    w.writeStartElement(QStringLiteral("image"));
    w.writeAttribute(QStringLiteral("version"), QStringLiteral("0.0.6"));
    w.writeAttribute(QStringLiteral("w"), QString::number(snapshot.canvasSize.width()));
    w.writeAttribute(QStringLiteral("h"), QString::number(snapshot.canvasSize.height()));
    w.writeStartElement(QStringLiteral("stack"));
    // stack.xml lists the topmost layer first.
    for (int i = static_cast<int>(snapshot.layers.size()) - 1; i >= 0; --i) {
        const Layer& layer = snapshot.layers[static_cast<std::size_t>(i)];
        w.writeEmptyElement(QStringLiteral("layer"));
        w.writeAttribute(QStringLiteral("name"), layer.name);
        w.writeAttribute(QStringLiteral("src"), sources[i]);
        w.writeAttribute(QStringLiteral("x"), QString::number(layer.offset.x()));
        w.writeAttribute(QStringLiteral("y"), QString::number(layer.offset.y()));
        w.writeAttribute(QStringLiteral("opacity"), number(layer.opacity));
        w.writeAttribute(QStringLiteral("visibility"),
                         layer.visible ? QStringLiteral("visible") : QStringLiteral("hidden"));
        w.writeAttribute(QStringLiteral("composite-op"), QStringLiteral("svg:src-over"));
    }
    w.writeEndElement();
    w.writeEndElement();
    w.writeEndDocument();
    return xml;
}

} // namespace

QByteArray OraWriter::toBytes(const ProjectSnapshot& snapshot, QString* errorMessage, PngSpeed speed) {
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return QByteArray();
    };
    if (snapshot.canvasSize.isEmpty())
        return fail(QStringLiteral("there is no picture to save"));

    QByteArray archive;
    QBuffer buffer(&archive);
    buffer.open(QIODevice::WriteOnly);
    ZipWriter zip(&buffer);
    using C = ZipWriter::Compression;
    zip.addFile(QStringLiteral("mimetype"), QByteArray(kMimeType), C::Stored);

    QStringList sources;
    QJsonArray layerInfo;
    QByteArrayList layerPngs;
    for (const Layer& layer : snapshot.layers) {
        const QString base = QStringLiteral("layer-%1").arg(layer.id);
        const QString src = QStringLiteral("data/%1.png").arg(base);
        // OpenRaster layers are straight (not premultiplied) RGBA.
        const QByteArray png = encodePng(layer.pixels.convertToFormat(QImage::Format_RGBA8888), speed);
        if (png.isEmpty())
            return fail(QStringLiteral("the layer '%1' could not be encoded as PNG").arg(layer.name));
        sources << src;
        layerPngs << png;
        QJsonObject info{{QStringLiteral("src"), src}, {QStringLiteral("id"), layer.id}};
        const GenerationInfo& g = layer.generation;
        if (g.isValid() || g.fromTrainedModel) {
            // A string: JSON numbers lose 64-bit seeds.
            info.insert(QStringLiteral("generation"),
                        QJsonObject{{QStringLiteral("backend"), g.backend},
                                    {QStringLiteral("prompt"), g.prompt},
                                    {QStringLiteral("consentNote"), g.consentNote},
                                    {QStringLiteral("negativePrompt"), g.negativePrompt},
                                    {QStringLiteral("seed"), QString::number(g.seed)},
                                    {QStringLiteral("fromTrainedModel"), g.fromTrainedModel},
                                    {QStringLiteral("mixedWithOtherPixels"), g.mixedWithOtherPixels},
                                    {QStringLiteral("blendFeather"), g.blendFeather},
                                    {QStringLiteral("blendGrow"), g.blendGrow},
                                    {QStringLiteral("colorMatch"), g.colorMatch},
                                    {QStringLiteral("denoiseGrow"), g.denoiseGrow},
                                    {QStringLiteral("colorRingWidth"), g.colorRingWidth},
                                    {QStringLiteral("histogramMatch"), g.histogramMatch},
                                    {QStringLiteral("poisson"), g.poisson},
                                    {QStringLiteral("styles"), QJsonArray::fromStringList(g.styles)},
                                    {QStringLiteral("stagingEntryId"), g.stagingEntryId},
                                    {QStringLiteral("candidateIndex"), g.candidateIndex}});
        }
        if (!g.generated.isNull())
            info.insert(QStringLiteral("generated"),
                        QStringLiteral("limner/%1-generated.png").arg(base));
        if (!g.userMask.isNull())
            info.insert(QStringLiteral("userMask"),
                        QStringLiteral("limner/%1-user-mask.png").arg(base));
        if (!g.candidateMap.isNull())
            info.insert(QStringLiteral("candidateMap"),
                        QStringLiteral("limner/%1-candidate-map.png").arg(base));
        layerInfo.append(info);
    }
    zip.addFile(QStringLiteral("stack.xml"), stackXml(snapshot, sources), C::Deflated);
    for (int i = 0; i < sources.size(); ++i)
        zip.addFile(sources[i], layerPngs[i], C::Stored);

    const QImage merged = snapshot.flatten();
    if (merged.isNull())
        return fail(QStringLiteral("the layers are inconsistent and cannot be composited"));
    zip.addFile(QStringLiteral("mergedimage.png"),
                encodePng(merged.convertToFormat(QImage::Format_RGBA8888), speed), C::Stored);
    const QImage thumbnail = merged.width() > kThumbnailSize || merged.height() > kThumbnailSize
                                 ? merged.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio,
                                                 Qt::SmoothTransformation)
                                 : merged;
    zip.addFile(QStringLiteral("Thumbnails/thumbnail.png"),
                encodePng(thumbnail.convertToFormat(QImage::Format_RGBA8888), speed), C::Stored);

    for (const Layer& layer : snapshot.layers) {
        const QString base = QStringLiteral("limner/layer-%1").arg(layer.id);
        if (!layer.generation.generated.isNull())
            zip.addFile(
                base + QStringLiteral("-generated.png"),
                encodePng(layer.generation.generated.convertToFormat(QImage::Format_RGBA8888), speed),
                C::Stored);
        if (!layer.generation.userMask.isNull())
            zip.addFile(
                base + QStringLiteral("-user-mask.png"),
                encodePng(layer.generation.userMask.convertToFormat(QImage::Format_Grayscale8), speed),
                C::Stored);
        if (!layer.generation.candidateMap.isNull())
            zip.addFile(
                base + QStringLiteral("-candidate-map.png"),
                encodePng(layer.generation.candidateMap.convertToFormat(QImage::Format_Grayscale8),
                          speed),
                C::Stored);
    }
    QJsonObject project{{QStringLiteral("format"), QStringLiteral("limner-project")},
                        {QStringLiteral("version"), 1},
                        {QStringLiteral("activeLayer"), snapshot.activeLayerId},
                        {QStringLiteral("layers"), layerInfo}};
    if (!snapshot.mask.isNull()) {
        zip.addFile(QStringLiteral("limner/mask.png"),
                    encodePng(snapshot.mask.convertToFormat(QImage::Format_Grayscale8), speed),
                    C::Stored);
        project.insert(QStringLiteral("mask"), QStringLiteral("limner/mask.png"));
    }
    QJsonArray stagingEntries;
    const StagingCodec::PngEncoder encoder = [speed](const QImage& image) {
        return encodePng(image, speed);
    };
    for (std::size_t i = 0; i < snapshot.staging.size(); ++i) {
        std::optional<StagingCodec::Encoded> encoded =
            StagingCodec::encode(snapshot.staging[i], static_cast<int>(i), encoder, errorMessage);
        if (!encoded)
            return QByteArray();
        for (const auto& [name, png] : encoded->files)
            zip.addFile(name, png, C::Stored);
        stagingEntries.append(encoded->json);
    }
    project.insert(QStringLiteral("stagingHistory"),
                   QJsonObject{{QStringLiteral("version"), ProjectSnapshot::kStagingHistoryVersion},
                               {QStringLiteral("entries"), stagingEntries}});
    zip.addFile(QStringLiteral("limner/project.json"), QJsonDocument(project).toJson(), C::Deflated);
    if (!zip.finish())
        return fail(zip.errorString());
    if (errorMessage)
        errorMessage->clear();
    return archive;
}

} // namespace limner::app
