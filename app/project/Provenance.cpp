#include "app/project/Provenance.h"

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

Provenance::SourceType Provenance::of(const ProjectSnapshot& snapshot) {
    const bool anyModelLayer =
        std::any_of(snapshot.layers.begin(), snapshot.layers.end(), [](const Layer& l) {
            return l.visible && l.opacity > 0.0 && l.generation.fromTrainedModel;
        });
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

} // namespace limner::app
