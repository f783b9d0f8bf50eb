#include "app/project/OraReader.h"

#include "app/StagingHistory.h"
#include "app/project/OraWriter.h"
#include "app/project/StagingCodec.h"

#include <QBuffer>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QXmlStreamReader>
#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

namespace limner::app {

namespace {

constexpr int kMaxOffset = 1 << 20;
constexpr int kMaxNameLength = 1000;

struct StackLayer {
    QString name;
    QString src;
    QPoint offset;
    qreal opacity = 1.0;
    bool visible = true;
    QString compositeOp;
};

struct Group {
    qreal opacity = 1.0;
    bool visible = true;
    QPoint offset;
};

// Decodes budget-checked PNGs: the header's size is compared with the limits before a single
// pixel is decoded.
class PngDecoder {
public:
    PngDecoder(const OraReader::Limits& limits)
        : m_limits(limits) {}

    std::optional<QImage> decode(const QByteArray& bytes, const QString& entry, QString* error) {
        QBuffer buffer;
        buffer.setData(bytes);
        buffer.open(QIODevice::ReadOnly);
        QImageReader reader(&buffer, "png");
        const QSize size = reader.size();
        if (!size.isValid()) {
            *error = QStringLiteral("the image '%1' is not a valid PNG").arg(entry);
            return std::nullopt;
        }
        if (size.width() > ImageIO::kMaxDimension || size.height() > ImageIO::kMaxDimension) {
            *error = QStringLiteral("the image '%1' is %2×%3 pixels; Limner opens images up to %4×%4")
                         .arg(entry)
                         .arg(size.width())
                         .arg(size.height())
                         .arg(ImageIO::kMaxDimension);
            return std::nullopt;
        }
        const qint64 needed = qint64(size.width()) * size.height() * 4;
        if (needed > m_limits.decodeLimitBytes || m_used + needed > m_limits.totalDecodeBytes) {
            *error = QStringLiteral("decoding '%1' (%2×%3) would pass the decode limit of %4 MiB; "
                                    "raise the limit in the settings if the file is trusted")
                         .arg(entry)
                         .arg(size.width())
                         .arg(size.height())
                         .arg((needed > m_limits.decodeLimitBytes ? m_limits.decodeLimitBytes
                                                                  : m_limits.totalDecodeBytes) >>
                              20);
            return std::nullopt;
        }
        m_used += needed;
        // Twice the RGBA size: a 16-bit PNG decodes to 8 bytes a pixel.
        reader.setAllocationLimit(static_cast<int>(std::min<qint64>((needed * 2 >> 20) + 1, INT_MAX)));
        QImage image;
        if (!reader.read(&image) || image.isNull()) {
            *error = QStringLiteral("the image '%1' is damaged: %2").arg(entry, reader.errorString());
            return std::nullopt;
        }
        return image;
    }

private:
    const OraReader::Limits& m_limits;
    qint64 m_used = 0;
};

bool parseInt(const QXmlStreamAttributes& a, const QString& name, int fallback, int* out) {
    if (!a.hasAttribute(name)) {
        *out = fallback;
        return true;
    }
    bool ok = false;
    *out = a.value(name).toInt(&ok);
    return ok;
}

std::optional<qreal> parseOpacity(const QXmlStreamAttributes& a) {
    if (!a.hasAttribute(QStringLiteral("opacity")))
        return 1.0;
    bool ok = false;
    const double v = a.value(QStringLiteral("opacity")).toDouble(&ok);
    if (!ok || std::isnan(v))
        return std::nullopt;
    return std::clamp(v, 0.0, 1.0);
}

bool parseStack(const QByteArray& xml, const OraReader::Limits& limits, QSize* canvas,
                std::vector<StackLayer>* topFirst, QString* error) {
    QXmlStreamReader r(xml);
    std::vector<Group> groups;
    bool sawImage = false;
    while (!r.atEnd()) {
        const QXmlStreamReader::TokenType token = r.readNext();
        if (token == QXmlStreamReader::EndElement && r.name() == QLatin1String("stack")) {
            if (!groups.empty())
                groups.pop_back();
            continue;
        }
        if (token != QXmlStreamReader::StartElement)
            continue;
        const QXmlStreamAttributes a = r.attributes();
        if (r.name() == QLatin1String("image")) {
            if (sawImage) {
                *error = QStringLiteral("stack.xml has more than one <image>");
                return false;
            }
            sawImage = true;
            int w = 0, h = 0;
            if (!parseInt(a, QStringLiteral("w"), 0, &w) || !parseInt(a, QStringLiteral("h"), 0, &h) ||
                w <= 0 || h <= 0) {
                *error = QStringLiteral("stack.xml does not state a valid canvas size");
                return false;
            }
            if (w > ImageIO::kMaxDimension || h > ImageIO::kMaxDimension ||
                qint64(w) * h * 4 > limits.decodeLimitBytes) {
                *error = QStringLiteral("the canvas is %1×%2 pixels, past the decode limit; raise the "
                                        "limit in the settings if the file is trusted")
                             .arg(w)
                             .arg(h);
                return false;
            }
            *canvas = QSize(w, h);
        } else if (r.name() == QLatin1String("stack")) {
            if (!sawImage) {
                *error = QStringLiteral("stack.xml has a <stack> outside <image>");
                return false;
            }
            if (static_cast<int>(groups.size()) >= limits.maxNesting) {
                *error = QStringLiteral("stack.xml nests groups deeper than %1").arg(limits.maxNesting);
                return false;
            }
            Group g = groups.empty() ? Group() : groups.back();
            int x = 0, y = 0;
            const std::optional<qreal> opacity = parseOpacity(a);
            if (!opacity || !parseInt(a, QStringLiteral("x"), 0, &x) ||
                !parseInt(a, QStringLiteral("y"), 0, &y)) {
                *error = QStringLiteral("stack.xml has a group with invalid attributes");
                return false;
            }
            g.opacity *= *opacity;
            g.visible = g.visible && a.value(QStringLiteral("visibility")) != QLatin1String("hidden");
            g.offset +=
                QPoint(std::clamp(x, -kMaxOffset, kMaxOffset), std::clamp(y, -kMaxOffset, kMaxOffset));
            groups.push_back(g);
        } else if (r.name() == QLatin1String("layer")) {
            if (groups.empty()) {
                *error = QStringLiteral("stack.xml has a <layer> outside a <stack>");
                return false;
            }
            if (static_cast<int>(topFirst->size()) >= limits.maxLayers) {
                *error = QStringLiteral("the project has more than %1 layers").arg(limits.maxLayers);
                return false;
            }
            StackLayer layer;
            const Group& g = groups.back();
            int x = 0, y = 0;
            const std::optional<qreal> opacity = parseOpacity(a);
            layer.src = a.value(QStringLiteral("src")).toString();
            if (!opacity || !parseInt(a, QStringLiteral("x"), 0, &x) ||
                !parseInt(a, QStringLiteral("y"), 0, &y) || std::abs(x) > kMaxOffset ||
                std::abs(y) > kMaxOffset || layer.src.isEmpty()) {
                *error = QStringLiteral("stack.xml has a layer with invalid attributes (src, x, y or "
                                        "opacity)");
                return false;
            }
            layer.name = a.value(QStringLiteral("name")).toString().left(kMaxNameLength);
            layer.offset = g.offset + QPoint(x, y);
            layer.opacity = *opacity * g.opacity;
            layer.visible =
                g.visible && a.value(QStringLiteral("visibility")) != QLatin1String("hidden");
            layer.compositeOp = a.value(QStringLiteral("composite-op")).toString();
            topFirst->push_back(layer);
        }
    }
    if (r.hasError()) {
        *error = QStringLiteral("stack.xml is not valid XML: %1 (line %2)")
                     .arg(r.errorString())
                     .arg(r.lineNumber());
        return false;
    }
    if (!sawImage) {
        *error = QStringLiteral("stack.xml has no <image> element");
        return false;
    }
    return true;
}

// The staging history is a convenience, the layers are the work: an entry that cannot be read
// is left out with a warning, and the project still opens.
template <typename DecodeEntry>
void readStaging(const QJsonValue& json, DecodeEntry& decodeEntry, QString* error,
                 ProjectSnapshot* snapshot) {
    if (json.isUndefined())
        return;
    const QJsonObject staging = json.toObject();
    const QJsonValue version = staging.value(QStringLiteral("version"));
    if (version.isDouble() && version.toInt() > ProjectSnapshot::kStagingHistoryVersion) {
        snapshot->warnings << QStringLiteral("the staging history was written by a newer Limner "
                                             "and is not shown");
        return;
    }
    const QJsonValue entries = staging.value(QStringLiteral("entries"));
    if (!json.isObject() || version.toInt() != ProjectSnapshot::kStagingHistoryVersion ||
        !entries.isArray()) {
        snapshot->warnings << QStringLiteral("the staging history is damaged and is not shown");
        return;
    }
    const QJsonArray list = entries.toArray();
    // Like StagingHistory itself: past its capacity, the oldest entries go.
    const int first = std::max(0, static_cast<int>(list.size()) - StagingHistory::capacity());
    if (first > 0)
        snapshot->warnings << QStringLiteral("the staging history has %1 entries; the oldest %2 "
                                             "were left out")
                                  .arg(list.size())
                                  .arg(first);
    const StagingCodec::PngLoader load = [&](const QString& name, QString* loadError) {
        std::optional<QImage> image = decodeEntry(name);
        if (!image)
            *loadError = *error;
        return image;
    };
    std::vector<int> usedIds;
    for (int i = first; i < list.size(); ++i) {
        QString problem;
        std::optional<StagingEntry> entry =
            list[i].isObject() ? StagingCodec::decode(list[i].toObject(), load, &problem)
                               : std::nullopt;
        if (!entry) {
            snapshot->warnings << QStringLiteral("staging entry %1 could not be read and was left "
                                                 "out (%2)")
                                      .arg(i + 1)
                                      .arg(problem.isEmpty() ? QStringLiteral("not an object")
                                                             : problem);
            continue;
        }
        // An id the file repeats or lacks is replaced, so accepting and removing find one entry.
        if (entry->id <= 0 || std::find(usedIds.begin(), usedIds.end(), entry->id) != usedIds.end())
            entry->id = 0;
        else
            usedIds.push_back(entry->id);
        snapshot->staging.push_back(std::move(*entry));
    }
    int nextId = usedIds.empty() ? 1 : *std::max_element(usedIds.begin(), usedIds.end()) + 1;
    for (StagingEntry& entry : snapshot->staging) {
        if (entry.id == 0)
            entry.id = nextId++;
    }
}

} // namespace

std::optional<ProjectSnapshot> OraReader::read(const QByteArray& bytes, const Limits& limits,
                                               QString* errorMessage) {
    QString error;
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return std::optional<ProjectSnapshot>();
    };
    ZipReader zip;
    if (!zip.open(bytes, limits.zip, &error))
        return fail(error);
    const std::optional<QByteArray> mimetype = zip.read(QStringLiteral("mimetype"), &error);
    if (!mimetype || mimetype->trimmed() != QByteArray(OraWriter::kMimeType))
        return fail(QStringLiteral("it is not an OpenRaster file (no 'image/openraster' mimetype)"));
    const std::optional<QByteArray> xml = zip.read(QStringLiteral("stack.xml"), &error);
    if (!xml)
        return fail(error);

    ProjectSnapshot snapshot;
    std::vector<StackLayer> topFirst;
    if (!parseStack(*xml, limits, &snapshot.canvasSize, &topFirst, &error))
        return fail(error);

    // Limner's own data; absent in files from other programs.
    QJsonObject project;
    if (zip.find(QStringLiteral("limner/project.json"))) {
        const std::optional<QByteArray> json = zip.read(QStringLiteral("limner/project.json"), &error);
        if (!json)
            return fail(error);
        QJsonParseError parseError;
        project = QJsonDocument::fromJson(*json, &parseError).object();
        if (parseError.error != QJsonParseError::NoError)
            return fail(
                QStringLiteral("limner/project.json is damaged: %1").arg(parseError.errorString()));
    }
    std::map<QString, QJsonObject> infoBySource;
    for (const QJsonValue v : project.value(QStringLiteral("layers")).toArray()) {
        const QJsonObject o = v.toObject();
        infoBySource[o.value(QStringLiteral("src")).toString()] = o;
    }

    PngDecoder decoder(limits);
    auto decodeEntry = [&](const QString& name) -> std::optional<QImage> {
        if (ZipReader::checkEntryName(name).size() > 0 || !zip.find(name)) {
            error = QStringLiteral("the project refers to '%1', which it does not contain").arg(name);
            return std::nullopt;
        }
        const std::optional<QByteArray> png = zip.read(name, &error);
        if (!png)
            return std::nullopt;
        return decoder.decode(*png, name, &error);
    };

    std::vector<int> usedIds;
    int nextFreeId = 1;
    for (auto it = topFirst.rbegin(); it != topFirst.rend(); ++it) {
        const StackLayer& s = *it;
        const std::optional<QImage> pixels = decodeEntry(s.src);
        if (!pixels)
            return fail(error);
        Layer layer;
        layer.name = s.name;
        layer.pixels = pixels->convertToFormat(QImage::Format_ARGB32_Premultiplied);
        layer.offset = s.offset;
        layer.opacity = s.opacity;
        layer.visible = s.visible;
        if (!s.compositeOp.isEmpty() && s.compositeOp != QLatin1String("svg:src-over")) {
            snapshot.warnings << QStringLiteral(
                                     "the layer '%1' uses the blend mode %2; Limner shows it "
                                     "as normal")
                                     .arg(s.name, s.compositeOp);
        }
        const auto info = infoBySource.find(s.src);
        if (info != infoBySource.end()) {
            const QJsonObject& o = info->second;
            layer.id = o.value(QStringLiteral("id")).toInt(-1);
            GenerationInfo& g = layer.generation;
            const QJsonObject gen = o.value(QStringLiteral("generation")).toObject();
            g.backend = gen.value(QStringLiteral("backend")).toString();
            g.prompt = gen.value(QStringLiteral("prompt")).toString();
            g.consentNote = gen.value(QStringLiteral("consentNote")).toString();
            for (const QJsonValue& style : gen.value(QStringLiteral("styles")).toArray()) {
                if (style.isString() && g.styles.size() < 64)
                    g.styles << style.toString().left(200);
            }
            g.negativePrompt = gen.value(QStringLiteral("negativePrompt")).toString();
            g.seed = gen.value(QStringLiteral("seed")).toString().toULongLong();
            g.fromTrainedModel = gen.value(QStringLiteral("fromTrainedModel")).toBool(false);
            g.mixedWithOtherPixels = gen.value(QStringLiteral("mixedWithOtherPixels")).toBool(false);
            g.blendFeather = gen.value(QStringLiteral("blendFeather")).toInt(-1);
            g.blendGrow = gen.value(QStringLiteral("blendGrow")).toInt(-1);
            g.colorMatch = gen.value(QStringLiteral("colorMatch")).toBool(true);
            g.denoiseGrow = gen.value(QStringLiteral("denoiseGrow")).toInt(0);
            g.colorRingWidth = gen.value(QStringLiteral("colorRingWidth")).toInt(0);
            g.histogramMatch = gen.value(QStringLiteral("histogramMatch")).toBool(false);
            g.poisson = gen.value(QStringLiteral("poisson")).toBool(false);
            if (o.contains(QStringLiteral("generated"))) {
                const std::optional<QImage> generated =
                    decodeEntry(o.value(QStringLiteral("generated")).toString());
                if (!generated)
                    return fail(error);
                g.generated = generated->convertToFormat(QImage::Format_RGBA8888);
            }
            if (o.contains(QStringLiteral("userMask"))) {
                const std::optional<QImage> userMask =
                    decodeEntry(o.value(QStringLiteral("userMask")).toString());
                if (!userMask)
                    return fail(error);
                g.userMask = userMask->convertToFormat(QImage::Format_Grayscale8);
            }
            g.stagingEntryId = std::max(0, gen.value(QStringLiteral("stagingEntryId")).toInt(0));
            g.candidateIndex =
                std::clamp(gen.value(QStringLiteral("candidateIndex")).toInt(-1), -1, 63);
            if (o.contains(QStringLiteral("candidateMap"))) {
                const std::optional<QImage> map =
                    decodeEntry(o.value(QStringLiteral("candidateMap")).toString());
                if (!map)
                    return fail(error);
                if (map->size() == layer.pixels.size())
                    g.candidateMap = map->convertToFormat(QImage::Format_Grayscale8);
                else
                    snapshot.warnings << QStringLiteral("the layer '%1' keeps a candidate map of "
                                                        "the wrong size; it was left out")
                                             .arg(s.name);
            }
        }
        // Ids from the file are kept when they are usable; other layers get fresh ones.
        if (layer.id <= 0 || std::find(usedIds.begin(), usedIds.end(), layer.id) != usedIds.end())
            layer.id = -1;
        else
            usedIds.push_back(layer.id);
        snapshot.layers.push_back(layer);
    }
    for (Layer& layer : snapshot.layers) {
        if (layer.id > 0)
            continue;
        while (std::find(usedIds.begin(), usedIds.end(), nextFreeId) != usedIds.end())
            ++nextFreeId;
        layer.id = nextFreeId;
        usedIds.push_back(nextFreeId);
    }
    snapshot.activeLayerId = project.value(QStringLiteral("activeLayer")).toInt(-1);

    if (project.contains(QStringLiteral("mask"))) {
        const std::optional<QImage> mask =
            decodeEntry(project.value(QStringLiteral("mask")).toString());
        if (!mask)
            return fail(error);
        if (mask->size() != snapshot.canvasSize)
            return fail(QStringLiteral("the mask is %1×%2 but the canvas is %3×%4")
                            .arg(mask->width())
                            .arg(mask->height())
                            .arg(snapshot.canvasSize.width())
                            .arg(snapshot.canvasSize.height()));
        snapshot.mask = mask->convertToFormat(QImage::Format_Grayscale8);
    }
    readStaging(project.value(QStringLiteral("stagingHistory")), decodeEntry, &error, &snapshot);
    if (errorMessage)
        errorMessage->clear();
    return snapshot;
}

} // namespace limner::app
