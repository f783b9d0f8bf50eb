#pragma once

#include <QByteArray>
#include <QRect>
#include <QString>
#include <QVector>

namespace limner::app {

struct Layer;
struct ProjectSnapshot;

// What an exported picture declares about how it was made: the IPTC digital source type
// (https://cv.iptc.org/newscodes/digitalsourcetype/), decided from the layers' GenerationInfo.
// Classical fills (OpenCV Telea, Navier–Stokes, FSR) are not trained models and declare
// nothing, like hand edits.
class Provenance {
public:
    enum class SourceType {
        None,                            // no visible pixel came from a trained model
        CompositeWithTrainedAlgorithmic, // some visible pixels did
        TrainedAlgorithmic               // every visible pixel did
    };

    // Exact, by compositing: a model's pixels count only where they change the picture (a
    // hidden or fully covered generated layer does not).
    static SourceType of(const ProjectSnapshot& snapshot);
    // A layer whose pixels a trained model made and that shows (visible, not transparent): what
    // the source type, the generated regions, the models and the watermark count.
    static bool showsModelPixels(const Layer& layer);

    static QString digitalSourceTypeUri(SourceType type); // empty for None
    // A complete XMP packet (UTF-8) with Iptc4xmpExt:DigitalSourceType and xmp:CreatorTool;
    // empty for None.
    static QByteArray xmpPacket(SourceType type, const QString& creatorTool);
    // The "parameters" text other generators write (prompt, then "Steps: …, Seed: …, Model: …"),
    // from the visible model layers, topmost first; empty when there are none.
    static QString generationParameters(const ProjectSnapshot& snapshot);

    // What Content Credentials record of the model layers that show: each one's bounding box
    // on the canvas (where its blend mask is not transparent), and the models, once each, with
    // the hash of their weights (ModelFingerprint; empty when the model is not on this computer).
    struct ModelUse {
        QString name;
        QString weightsHash;
    };
    static QVector<QRect> generatedRegions(const ProjectSnapshot& snapshot);
    static QVector<ModelUse> modelsUsed(const ProjectSnapshot& snapshot);
};

} // namespace limner::app
