#include "app/project/Provenance.h"

#include "app/project/ModelFingerprint.h"
#include "app/project/ProjectSnapshot.h"

#include <QStringList>
#include <algorithm>

namespace limner::app {

namespace {

template <typename Keep>
QImage flattenKeeping(const ProjectSnapshot& snapshot, Keep keep) {
    ProjectSnapshot subset = snapshot;
    for (Layer& layer : subset.layers) {
        if (!keep(layer))
            layer.visible = false;
    }
    return subset.flatten();
}

} // namespace

bool Provenance::showsModelPixels(const Layer& layer) {
    return layer.visible && layer.opacity > 0.0 && layer.generation.fromTrainedModel &&
           !layer.pixels.isNull();
}

Provenance::SourceType Provenance::of(const ProjectSnapshot& snapshot) {
    const bool anyModelLayer = std::any_of(snapshot.layers.begin(), snapshot.layers.end(),
                                           [](const Layer& l) { return showsModelPixels(l); });
    if (!anyModelLayer)
        return SourceType::None;
    const QImage all = snapshot.flatten();
    const QImage withoutModels =
        flattenKeeping(snapshot, [](const Layer& l) { return !l.generation.fromTrainedModel; });
    if (all == withoutModels)
        return SourceType::None;
    const QImage onlyModels = flattenKeeping(snapshot, [](const Layer& l) {
        return l.generation.fromTrainedModel && !l.generation.mixedWithOtherPixels;
    });
    return onlyModels == all ? SourceType::TrainedAlgorithmic
                             : SourceType::CompositeWithTrainedAlgorithmic;
}

QString Provenance::digitalSourceTypeUri(SourceType type) {
    switch (type) {
    case SourceType::TrainedAlgorithmic:
        return QStringLiteral("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia");
    case SourceType::CompositeWithTrainedAlgorithmic:
        return QStringLiteral(
            "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia");
    case SourceType::None:
        break;
    }
    return {};
}

QByteArray Provenance::xmpPacket(SourceType type, const QString& creatorTool) {
    const QString uri = digitalSourceTypeUri(type);
    if (uri.isEmpty())
        return {};
    const QString tool = creatorTool.toHtmlEscaped();
    return QStringLiteral("<?xpacket begin=\"%3\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                          "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                          " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                          "  <rdf:Description rdf:about=\"\"\n"
                          "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n"
                          "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                          "    Iptc4xmpExt:DigitalSourceType=\"%1\"\n"
                          "    xmp:CreatorTool=\"%2\"/>\n"
                          " </rdf:RDF>\n"
                          "</x:xmpmeta>\n"
                          "<?xpacket end=\"w\"?>")
        .arg(uri, tool, QString(QChar(0xFEFF)))
        .toUtf8();
}

QString Provenance::generationParameters(const ProjectSnapshot& snapshot) {
    QStringList blocks;
    for (auto it = snapshot.layers.rbegin(); it != snapshot.layers.rend(); ++it) {
        const GenerationInfo& g = it->generation;
        if (!it->visible || !g.fromTrainedModel || g.backend.isEmpty())
            continue;
        QString block = g.prompt;
        if (!g.negativePrompt.isEmpty())
            block += QStringLiteral("\nNegative prompt: ") + g.negativePrompt;
        block += QStringLiteral("\nSeed: %1, Model: %2").arg(g.seed).arg(g.backend);
        blocks << block;
    }
    return blocks.join(QStringLiteral("\n\n"));
}

namespace {

// The bounding box of the pixels that are not fully transparent, in the layer's coordinates.
QRect opaqueBounds(const QImage& pixels) {
    const QImage argb = pixels.convertToFormat(QImage::Format_ARGB32);
    int left = argb.width(), top = argb.height(), right = -1, bottom = -1;
    for (int y = 0; y < argb.height(); ++y) {
        const QRgb* row = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x) {
            if (qAlpha(row[x]) == 0)
                continue;
            left = std::min(left, x);
            right = std::max(right, x);
            top = std::min(top, y);
            bottom = std::max(bottom, y);
        }
    }
    return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

} // namespace

QVector<QRect> Provenance::generatedRegions(const ProjectSnapshot& snapshot) {
    QVector<QRect> regions;
    const QRect canvas(QPoint(0, 0), snapshot.canvasSize);
    for (const Layer& layer : snapshot.layers) {
        if (!showsModelPixels(layer))
            continue;
        const QRect box = opaqueBounds(layer.pixels).translated(layer.offset).intersected(canvas);
        if (!box.isEmpty())
            regions << box;
    }
    return regions;
}

QVector<Provenance::ModelUse> Provenance::modelsUsed(const ProjectSnapshot& snapshot) {
    QVector<ModelUse> models;
    QStringList seen;
    for (const Layer& layer : snapshot.layers) {
        if (!showsModelPixels(layer) || seen.contains(layer.generation.backend))
            continue;
        seen << layer.generation.backend;
        models.push_back({ModelFingerprint::modelName(layer.generation.backend),
                          ModelFingerprint::weightsHash(layer.generation.backend)});
    }
    return models;
}

} // namespace limner::app
