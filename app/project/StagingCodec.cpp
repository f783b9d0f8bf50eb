#include "app/project/StagingCodec.h"

#include "app/ImageConvert.h"
#include "app/ImageIO.h"

#include <QJsonArray>
#include <array>
#include <climits>
#include <cmath>

namespace limner::app {

namespace {

using engine::imaging::ColorMatchMode;
using engine::imaging::SeedMethod;

// Names, not numbers, so that reordering an enum never changes what an old file means.
constexpr std::array<std::pair<SeedMethod, const char*>, 7> kSeedMethods{{
    {SeedMethod::None, "none"},
    {SeedMethod::EdgeExtend, "edgeExtend"},
    {SeedMethod::Reflect, "reflect"},
    {SeedMethod::Telea, "telea"},
    {SeedMethod::Fsr, "fsr"},
    {SeedMethod::BlurredMean, "blurredMean"},
    {SeedMethod::Noise, "noise"},
}};
constexpr std::array<std::pair<ColorMatchMode, const char*>, 3> kColorMatchModes{{
    {ColorMatchMode::Off, "off"},
    {ColorMatchMode::Statistics, "statistics"},
    {ColorMatchMode::Histogram, "histogram"},
}};

template <typename Enum, std::size_t N>
QString nameOf(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
    for (const auto& [v, name] : names) {
        if (v == value)
            return QString::fromLatin1(name);
    }
    return {};
}

// A name this Limner does not know (written by a newer one) falls back to the default: the
// entry's candidates are still worth keeping.
template <typename Enum, std::size_t N>
Enum valueOf(const std::array<std::pair<Enum, const char*>, N>& names, const QJsonValue& json,
             Enum fallback) {
    const QString wanted = json.toString();
    for (const auto& [v, name] : names) {
        if (wanted == QLatin1String(name))
            return v;
    }
    return fallback;
}

QJsonArray rectJson(int x, int y, int width, int height) {
    return QJsonArray{x, y, width, height};
}

// Reads the fields of one JSON object, remembering the first problem.
class FieldReader {
public:
    explicit FieldReader(const QJsonObject& object, QString context = {})
        : m_object(object)
        , m_context(std::move(context)) {}

    bool ok() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }
    void fail(const QString& message) {
        if (m_error.isEmpty())
            m_error = m_context.isEmpty() ? message : m_context + QStringLiteral(": ") + message;
    }

    int integer(const char* key, int min, int max, int fallback) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        return checkedInteger(v, key, min, max, fallback);
    }

    int checkedInteger(const QJsonValue& v, const char* key, int min, int max, int fallback) {
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || std::isnan(d) || d != std::floor(d) || d < min || d > max) {
            fail(QStringLiteral("'%1' is not a whole number from %2 to %3")
                     .arg(QLatin1String(key))
                     .arg(min)
                     .arg(max));
            return fallback;
        }
        return static_cast<int>(d);
    }

    bool boolean(const char* key, bool fallback) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        if (!v.isBool()) {
            fail(QStringLiteral("'%1' is not true or false").arg(QLatin1String(key)));
            return fallback;
        }
        return v.toBool();
    }

    QString string(const char* key, int maxLength = StagingCodec::kMaxPromptLength) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined())
            return {};
        if (!v.isString() || v.toString().size() > maxLength) {
            fail(QStringLiteral("'%1' is not a text of at most %2 characters")
                     .arg(QLatin1String(key))
                     .arg(maxLength));
            return {};
        }
        return v.toString();
    }

    // 64-bit numbers are strings: a JSON number (a double) loses seeds past 2^53.
    quint64 unsigned64(const char* key) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined())
            return 0;
        bool ok = false;
        const quint64 value = v.toString().toULongLong(&ok);
        if (!v.isString() || !ok)
            fail(QStringLiteral("'%1' is not a decimal number").arg(QLatin1String(key)));
        return value;
    }

    // [a, b, c, d] of whole numbers; the first two within ±kMaxCoordinate, the others from 0 to
    // the largest image Limner opens. Absent: all zero.
    std::array<int, 4> quad(const char* key) {
        std::array<int, 4> out{};
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined())
            return out;
        const QJsonArray a = v.toArray();
        if (!v.isArray() || a.size() != 4) {
            fail(QStringLiteral("'%1' is not a list of four numbers").arg(QLatin1String(key)));
            return out;
        }
        for (int i = 0; i < 4; ++i) {
            const bool position = i < 2;
            out[static_cast<std::size_t>(i)] =
                checkedInteger(a[i], key, position ? -StagingCodec::kMaxCoordinate : 0,
                               position ? StagingCodec::kMaxCoordinate : ImageIO::kMaxDimension, 0);
        }
        return out;
    }

    double number(const char* key, double min, double max, double fallback) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || !(d >= min && d <= max)) {
            fail(QStringLiteral("'%1' is not a number from %2 to %3")
                     .arg(QLatin1String(key))
                     .arg(min)
                     .arg(max));
            return fallback;
        }
        return d;
    }

    QJsonObject object(const char* key) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isObject())
            fail(QStringLiteral("'%1' is not an object").arg(QLatin1String(key)));
        return v.toObject();
    }

private:
    const QJsonObject& m_object;
    QString m_context;
    QString m_error;
};

QJsonObject compositeJson(const engine::CompositeSettings& c) {
    return QJsonObject{{QStringLiteral("contextMargin"), c.contextMargin},
                       {QStringLiteral("denoiseGrow"), c.denoiseGrow},
                       {QStringLiteral("blendFeather"), c.blendFeather},
                       {QStringLiteral("colorMatch"), c.colorMatch},
                       {QStringLiteral("colorMatchMode"), nameOf(kColorMatchModes, c.colorMatchMode)},
                       {QStringLiteral("blendGrow"), c.blendGrow},
                       {QStringLiteral("poisson"), c.poisson}};
}

engine::CompositeSettings readComposite(const QJsonObject& json, FieldReader& parent) {
    FieldReader r(json);
    engine::CompositeSettings c;
    constexpr int kMaxPixels = ImageIO::kMaxDimension;
    c.contextMargin = r.integer("contextMargin", -1, kMaxPixels, c.contextMargin);
    c.denoiseGrow = r.integer("denoiseGrow", -1, kMaxPixels, c.denoiseGrow);
    c.blendFeather = r.integer("blendFeather", -1, kMaxPixels, c.blendFeather);
    c.colorMatch = r.boolean("colorMatch", c.colorMatch);
    c.colorMatchMode =
        valueOf(kColorMatchModes, json.value(QStringLiteral("colorMatchMode")), c.colorMatchMode);
    c.blendGrow = r.integer("blendGrow", -1, kMaxPixels, c.blendGrow);
    c.poisson = r.boolean("poisson", c.poisson);
    if (!r.ok())
        parent.fail(QStringLiteral("composite settings: ") + r.error());
    return c;
}

// The run settings of a model job (image prompts are not kept: a re-run uses the pixels of the
// moment, and a reference picture is the user's to choose again).
QJsonObject diffusionJson(const engine::DiffusionSettings& d) {
    return QJsonObject{{QStringLiteral("steps"), d.steps},
                       {QStringLiteral("guidanceScale"), d.guidanceScale},
                       {QStringLiteral("scheduler"), QString::fromStdString(d.scheduler)},
                       {QStringLiteral("strength"), d.strength},
                       {QStringLiteral("softMask"), d.softMask},
                       {QStringLiteral("softCurve"), d.softCurve},
                       {QStringLiteral("textWeight"), d.textWeight},
                       {QStringLiteral("device"), QString::fromStdString(d.device)},
                       {QStringLiteral("dtype"), QString::fromStdString(d.dtype)}};
}

engine::DiffusionSettings readDiffusion(const QJsonObject& json, FieldReader& parent) {
    FieldReader r(json);
    engine::DiffusionSettings d;
    d.steps = r.integer("steps", 1, 1000, d.steps);
    d.guidanceScale = r.number("guidanceScale", -1, 100, d.guidanceScale);
    d.scheduler = r.string("scheduler", 64).toStdString();
    d.strength = r.number("strength", 0.01, 1, d.strength);
    d.softMask = r.boolean("softMask", d.softMask);
    d.softCurve = r.number("softCurve", 0.1, 10, d.softCurve);
    d.textWeight = r.number("textWeight", 0, 1, d.textWeight);
    if (json.contains(QStringLiteral("device")))
        d.device = r.string("device", 16).toStdString();
    if (json.contains(QStringLiteral("dtype")))
        d.dtype = r.string("dtype", 16).toStdString();
    if (!r.ok())
        parent.fail(QStringLiteral("model settings: ") + r.error());
    return d;
}

// Writes one image and returns its JSON reference, {"png": name, "channels": n}; an empty image
// gives an empty object (left out of the entry).
class ImageSink {
public:
    ImageSink(const StagingCodec::PngEncoder& encode, StagingCodec::Encoded& out, QString folder)
        : m_encode(encode)
        , m_out(out)
        , m_folder(std::move(folder)) {}

    bool add(QJsonObject& json, const char* key, const engine::Image& image, const QString& file) {
        if (image.empty())
            return true;
        return add(json, key, ImageConvert::toQImage(image), image.channels, file);
    }

    bool add(QJsonObject& json, const char* key, const QImage& image, int channels,
             const QString& file) {
        if (image.isNull())
            return true;
        const QByteArray png = m_encode(image);
        if (png.isEmpty()) {
            m_error = QStringLiteral("its image '%1' could not be encoded as PNG").arg(file);
            return false;
        }
        const QString name = m_folder + file;
        m_out.files.emplace_back(name, png);
        json.insert(QLatin1String(key),
                    QJsonObject{{QStringLiteral("png"), name}, {QStringLiteral("channels"), channels}});
        return true;
    }

    const QString& error() const { return m_error; }

private:
    const StagingCodec::PngEncoder& m_encode;
    StagingCodec::Encoded& m_out;
    QString m_folder;
    QString m_error;
};

// Loads an image named by its JSON reference as `channels` 8-bit channels. Absent: empty.
std::optional<engine::Image> loadImage(const QJsonObject& owner, const char* key,
                                       const StagingCodec::PngLoader& loadPng, QString* error) {
    const QJsonValue v = owner.value(QLatin1String(key));
    if (v.isUndefined())
        return engine::Image();
    const QJsonObject ref = v.toObject();
    const QString name = ref.value(QStringLiteral("png")).toString();
    const int channels = ref.value(QStringLiteral("channels")).toInt(0);
    if (!v.isObject() || name.isEmpty() || (channels != 1 && channels != 3 && channels != 4)) {
        *error =
            QStringLiteral("'%1' does not name a PNG with 1, 3 or 4 channels").arg(QLatin1String(key));
        return std::nullopt;
    }
    const std::optional<QImage> image = loadPng(name, error);
    if (!image)
        return std::nullopt;
    switch (channels) {
    case 1:
        return ImageConvert::toEngineMask(*image);
    case 3:
        return ImageConvert::toEngineRgb(*image);
    default:
        return ImageConvert::toEngineRgba(*image);
    }
}

bool hasSize(const engine::Image& image, const engine::Rect& region) {
    return image.empty() || (image.width == region.width && image.height == region.height);
}

} // namespace

QString StagingCodec::folderFor(int position) {
    return QStringLiteral("limner/staging/entry-%1/").arg(position);
}

std::optional<StagingCodec::Encoded> StagingCodec::encode(const StagingEntry& entry, int position,
                                                          const PngEncoder& encodePng,
                                                          QString* errorMessage) {
    Encoded out;
    ImageSink sink(encodePng, out, folderFor(position));
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = QStringLiteral("the staging entry '%1' could not be saved: %2")
                                .arg(entry.prompt, message);
        return std::optional<Encoded>();
    };

    QJsonObject json{
        {QStringLiteral("id"), entry.id},
        {QStringLiteral("created"), entry.created.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("prompt"), entry.prompt},
        {QStringLiteral("negativePrompt"), entry.negativePrompt},
        {QStringLiteral("backend"), entry.backend},
        {QStringLiteral("seed"), QString::number(entry.seed)},
        {QStringLiteral("candidateCount"), entry.candidateCount},
        {QStringLiteral("composite"), compositeJson(entry.composite)},
        {QStringLiteral("diffusion"), diffusionJson(entry.diffusion)},
        {QStringLiteral("seedMethod"), nameOf(kSeedMethods, entry.seedMethod)},
        {QStringLiteral("frame"),
         rectJson(entry.frame.x(), entry.frame.y(), entry.frame.width(), entry.frame.height())},
        {QStringLiteral("growth"),
         QJsonArray{entry.growth.left, entry.growth.top, entry.growth.right, entry.growth.bottom}},
        {QStringLiteral("sourceCanvas"),
         QJsonArray{entry.sourceCanvas.width(), entry.sourceCanvas.height()}},
    };
    if (!sink.add(json, "mask", entry.mask.convertToFormat(QImage::Format_Grayscale8), 1,
                  QStringLiteral("mask.png")))
        return fail(sink.error());

    const engine::InpaintResult& r = entry.result;
    QJsonObject result{
        {QStringLiteral("region"), rectJson(r.region.x, r.region.y, r.region.width, r.region.height)},
        {QStringLiteral("backend"), QString::fromStdString(r.backend)},
        {QStringLiteral("prompt"), QString::fromStdString(r.prompt)},
        {QStringLiteral("targetLayerId"), r.targetLayerId},
        {QStringLiteral("documentRevision"), QString::number(r.documentRevision)},
        {QStringLiteral("denoiseGrow"), r.denoiseGrow},
        {QStringLiteral("blendFeather"), r.blendFeather},
        {QStringLiteral("blendGrow"), r.blendGrow},
        {QStringLiteral("colorRingWidth"), r.colorRingWidth},
        {QStringLiteral("composite"), compositeJson(r.composite)},
    };
    if (!sink.add(result, "userMask", r.userMask, QStringLiteral("user-mask.png")))
        return fail(sink.error());
    QJsonArray candidates;
    for (std::size_t i = 0; i < r.candidates.size(); ++i) {
        const engine::InpaintCandidate& c = r.candidates[i];
        QJsonObject candidate{{QStringLiteral("seed"), QString::number(c.seed)}};
        if (!sink.add(candidate, "layer", c.layer, QStringLiteral("candidate-%1-layer.png").arg(i)) ||
            !sink.add(candidate, "generated", c.generated,
                      QStringLiteral("candidate-%1-generated.png").arg(i)))
            return fail(sink.error());
        candidates.append(candidate);
    }
    result.insert(QStringLiteral("candidates"), candidates);
    json.insert(QStringLiteral("result"), result);
    out.json = json;
    return out;
}

std::optional<StagingEntry> StagingCodec::decode(const QJsonObject& json, const PngLoader& loadPng,
                                                 QString* errorMessage) {
    auto fail = [&](const QString& message) {
        if (errorMessage)
            *errorMessage = message;
        return std::optional<StagingEntry>();
    };
    FieldReader f(json);
    StagingEntry e;
    e.id = f.integer("id", 1, INT_MAX, 0);
    const QString created = f.string("created", 64);
    e.created = QDateTime::fromString(created, Qt::ISODateWithMs).toLocalTime();
    e.prompt = f.string("prompt");
    e.negativePrompt = f.string("negativePrompt");
    e.backend = f.string("backend", 1000);
    e.seed = f.unsigned64("seed");
    e.candidateCount = f.integer("candidateCount", 0, kMaxCandidates, 0);
    e.composite = readComposite(f.object("composite"), f);
    e.diffusion = readDiffusion(f.object("diffusion"), f);
    e.seedMethod = valueOf(kSeedMethods, json.value(QStringLiteral("seedMethod")), e.seedMethod);
    const std::array<int, 4> frame = f.quad("frame");
    e.frame = QRect(frame[0], frame[1], frame[2], frame[3]);
    const std::array<int, 4> growth = f.quad("growth");
    // Growth is four sizes; quad() read its first two as positions, so check them again.
    e.growth = CanvasMargins{growth[0], growth[1], growth[2], growth[3]};
    if (!e.growth.isValid() || growth[0] > ImageIO::kMaxDimension || growth[1] > ImageIO::kMaxDimension)
        f.fail(QStringLiteral("'growth' is not four sizes"));
    const QJsonArray canvas = json.value(QStringLiteral("sourceCanvas")).toArray();
    if (canvas.size() == 2)
        e.sourceCanvas =
            QSize(f.checkedInteger(canvas[0], "sourceCanvas", 0, ImageIO::kMaxDimension, 0),
                  f.checkedInteger(canvas[1], "sourceCanvas", 0, ImageIO::kMaxDimension, 0));
    else if (json.contains(QStringLiteral("sourceCanvas")))
        f.fail(QStringLiteral("'sourceCanvas' is not a width and a height"));

    const QJsonObject resultJson = f.object("result");
    FieldReader r(resultJson, QStringLiteral("result"));
    engine::InpaintResult& result = e.result;
    const std::array<int, 4> region = r.quad("region");
    result.region = engine::Rect{region[0], region[1], region[2], region[3]};
    result.backend = r.string("backend", 1000).toStdString();
    result.prompt = r.string("prompt").toStdString();
    result.targetLayerId = r.integer("targetLayerId", -1, INT_MAX, -1);
    result.documentRevision = r.unsigned64("documentRevision");
    constexpr int kMaxPixels = ImageIO::kMaxDimension;
    result.denoiseGrow = r.integer("denoiseGrow", 0, kMaxPixels, 0);
    result.blendFeather = r.integer("blendFeather", 0, kMaxPixels, 0);
    result.blendGrow = r.integer("blendGrow", 0, kMaxPixels, 0);
    result.colorRingWidth = r.integer("colorRingWidth", 0, kMaxPixels, 0);
    result.composite = readComposite(r.object("composite"), r);
    const QJsonValue candidatesJson = resultJson.value(QStringLiteral("candidates"));
    const QJsonArray candidates = candidatesJson.toArray();
    if (!candidatesJson.isUndefined() && !candidatesJson.isArray())
        r.fail(QStringLiteral("'candidates' is not a list"));
    if (candidates.size() > kMaxCandidates)
        r.fail(QStringLiteral("it has %1 candidates, more than %2")
                   .arg(candidates.size())
                   .arg(kMaxCandidates));
    if (!f.ok())
        return fail(f.error());
    if (!r.ok())
        return fail(r.error());

    // The images last: nothing is decoded for an entry whose values are already wrong.
    QString error;
    const std::optional<engine::Image> mask = loadImage(json, "mask", loadPng, &error);
    if (!mask)
        return fail(error);
    e.mask = ImageConvert::toQImage(*mask).convertToFormat(QImage::Format_Grayscale8);
    const std::optional<engine::Image> userMask = loadImage(resultJson, "userMask", loadPng, &error);
    if (!userMask)
        return fail(error);
    result.userMask = *userMask;
    if (!hasSize(result.userMask, result.region))
        return fail(QStringLiteral("its user mask is not the size of its region"));
    for (int i = 0; i < candidates.size(); ++i) {
        const QJsonObject c = candidates[i].toObject();
        FieldReader cr(c, QStringLiteral("candidate %1").arg(i + 1));
        engine::InpaintCandidate candidate;
        candidate.seed = cr.unsigned64("seed");
        if (!candidates[i].isObject() || !cr.ok())
            return fail(cr.ok() ? QStringLiteral("candidate %1 is not an object").arg(i + 1)
                                : cr.error());
        const std::optional<engine::Image> layer = loadImage(c, "layer", loadPng, &error);
        if (!layer)
            return fail(error);
        const std::optional<engine::Image> generated = loadImage(c, "generated", loadPng, &error);
        if (!generated)
            return fail(error);
        candidate.layer = *layer;
        candidate.generated = *generated;
        if (!hasSize(candidate.layer, result.region) || !hasSize(candidate.generated, result.region))
            return fail(
                QStringLiteral("candidate %1's pixels are not the size of its region").arg(i + 1));
        result.candidates.push_back(std::move(candidate));
    }
    if (errorMessage)
        errorMessage->clear();
    return e;
}

} // namespace limner::app
