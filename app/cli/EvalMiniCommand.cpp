#include "app/cli/EvalMiniCommand.h"

#include "app/ApplyCandidate.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "app/cli/RunJob.h"
#include "engine/ml/pipelines/AutoencoderRoundTrip.h"
#include "engine/ml/pipelines/ClipScorer.h"
#include "engine/ml/train/World.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>

namespace limner::cli {

namespace {

namespace world = engine::ml::train;

constexpr std::uint64_t kEvaluationSeed = 2; // training draws its scenes from seed 1
constexpr int kMaskGrow = 4;                 // px the mask reaches past the target's box
constexpr int kDrawnThreshold = 60;          // |ΔR| + |ΔG| + |ΔB| above which a pixel was drawn
constexpr int kDistractorsPerKind = 3;       // same shape, same colour, neither
constexpr double kPsnrCap = 99.0;            // dB given to a fill identical to the truth
constexpr double kColourTarget = 85.0;       // %
constexpr double kClipTarget = 70.0;         // %

QImage sceneImage(const std::vector<std::uint8_t>& rgb) {
    const int side = world::kSceneSide;
    return QImage(rgb.data(), side, side, side * 3, QImage::Format_RGB888).copy();
}

// The target's bounding box (cx ± radius, cy ± radius) grown by kMaskGrow, inside the scene.
QRect maskBox(const world::WorldObject& o) {
    const int last = world::kSceneSide - 1;
    const int grow = o.radius + kMaskGrow;
    return QRect(QPoint(std::max(0, o.cx - grow), std::max(0, o.cy - grow)),
                 QPoint(std::min(last, o.cx + grow), std::min(last, o.cy + grow)));
}

QImage maskImage(const QRect& box) {
    QImage mask(world::kSceneSide, world::kSceneSide, QImage::Format_Grayscale8);
    mask.fill(0);
    for (int y = box.top(); y <= box.bottom(); ++y)
        std::memset(mask.scanLine(y) + box.left(), 255, static_cast<std::size_t>(box.width()));
    return mask;
}

const std::uint8_t* pixelAt(const QImage& rgb888, int x, int y) {
    return rgb888.constScanLine(y) + static_cast<std::size_t>(x) * 3;
}

int channelSum(const std::uint8_t* a, const std::uint8_t* b) {
    return std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]);
}

// Judge (a): the most frequent world colour among the pixels the fill drew inside the box;
// -1 when it drew none.
int dominantDrawnColour(const QImage& input, const QImage& result, const QRect& box, int& drawn) {
    std::vector<int> votes(world::worldColours().size(), 0);
    drawn = 0;
    for (int y = box.top(); y <= box.bottom(); ++y) {
        for (int x = box.left(); x <= box.right(); ++x) {
            const std::uint8_t* after = pixelAt(result, x, y);
            if (channelSum(pixelAt(input, x, y), after) <= kDrawnThreshold)
                continue;
            ++drawn;
            ++votes[static_cast<std::size_t>(world::nearestColour({after[0], after[1], after[2]}))];
        }
    }
    if (drawn == 0)
        return -1;
    return static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
}

// `count` distinct elements of pool, drawn with random.
template <typename T>
std::vector<T> drawDistinct(std::vector<T> pool, int count, world::WorldRandom& random) {
    const int n = std::min(count, static_cast<int>(pool.size()));
    for (int i = 0; i < n; ++i)
        std::swap(pool[static_cast<std::size_t>(i)],
                  pool[static_cast<std::size_t>(i + random.below(static_cast<int>(pool.size()) - i))]);
    pool.resize(static_cast<std::size_t>(n));
    return pool;
}

// Judge (b)'s ten prompts: the true phrase first, then distractors with the same size word:
// three of the same shape in other colours, three of the same colour in other shapes, three
// of another colour and another shape. A pure function of the scene number.
std::vector<std::string> clipPrompts(const world::WorldObject& target, std::uint64_t scene) {
    world::WorldRandom random(scene * 0x9E3779B97F4A7C15ULL + 0xC11F);
    const int colours = static_cast<int>(world::worldColours().size());
    std::vector<int> otherColours, otherShapes;
    std::vector<std::pair<int, int>> otherBoth; // colour, shape
    for (int c = 0; c < colours; ++c) {
        if (c != target.colour)
            otherColours.push_back(c);
    }
    for (int s = 0; s < world::kShapeCount; ++s) {
        if (s != static_cast<int>(target.shape))
            otherShapes.push_back(s);
    }
    for (int c : otherColours) {
        for (int s : otherShapes)
            otherBoth.emplace_back(c, s);
    }
    const auto phrase = [&](int colour, int shape) {
        world::WorldObject o = target;
        o.colour = colour;
        o.shape = static_cast<world::Shape>(shape);
        return world::objectPhrase(o);
    };
    std::vector<std::string> prompts{world::objectPhrase(target)};
    for (int c : drawDistinct(otherColours, kDistractorsPerKind, random))
        prompts.push_back(phrase(c, static_cast<int>(target.shape)));
    for (int s : drawDistinct(otherShapes, kDistractorsPerKind, random))
        prompts.push_back(phrase(target.colour, s));
    for (const auto& [c, s] : drawDistinct(otherBoth, kDistractorsPerKind, random))
        prompts.push_back(phrase(c, s));
    return prompts;
}

// Squared error of the box's pixels, all channels.
struct BoxError {
    double squares = 0;
    double values = 0; // channel values compared

    double psnr() const {
        const double mse = values > 0 ? squares / values : 0;
        return mse <= 0 ? kPsnrCap : std::min(kPsnrCap, 10.0 * std::log10(255.0 * 255.0 / mse));
    }
    void add(const BoxError& other) {
        squares += other.squares;
        values += other.values;
    }
};

BoxError errorInBox(const QImage& a, const QImage& b, const QRect& box) {
    BoxError e;
    for (int y = box.top(); y <= box.bottom(); ++y) {
        for (int x = box.left(); x <= box.right(); ++x) {
            const std::uint8_t *p = pixelAt(a, x, y), *q = pixelAt(b, x, y);
            for (int c = 0; c < 3; ++c)
                e.squares += double(p[c] - q[c]) * double(p[c] - q[c]);
        }
    }
    e.values = 3.0 * box.width() * box.height();
    return e;
}

struct Change {
    int pixels = 0;    // pixels with any channel changed
    int maxChange = 0; // largest change of one channel, 0–255
    int reach = 0;     // px from the mask to the farthest changed pixel
};

// Judge (d): what changed outside the user's mask.
Change changeOutside(const QImage& before, const QImage& after, const QRect& box) {
    Change change;
    for (int y = 0; y < before.height(); ++y) {
        for (int x = 0; x < before.width(); ++x) {
            if (box.contains(x, y))
                continue;
            const std::uint8_t *p = pixelAt(before, x, y), *q = pixelAt(after, x, y);
            const int largest =
                std::max({std::abs(p[0] - q[0]), std::abs(p[1] - q[1]), std::abs(p[2] - q[2])});
            if (largest == 0)
                continue;
            ++change.pixels;
            change.maxChange = std::max(change.maxChange, largest);
            const int dx = std::max({box.left() - x, x - box.right(), 0});
            const int dy = std::max({box.top() - y, y - box.bottom(), 0});
            change.reach = std::max({change.reach, dx, dy});
        }
    }
    return change;
}

// Runs jobs as `limner-cli inpaint` does, on one EngineClient so the model loads once.
class JobRunner {
public:
    explicit JobRunner(const ModelArguments& model)
        : m_model(model) {}

    // useModel false = the classical Telea fill. result: the flattened picture, RGB888.
    // reference: an image prompt for the model; null = none.
    QString run(const QImage& input, const QImage& mask, const QString& prompt, bool useModel,
                quint64 seed, QImage& result, double& seconds, const QImage& reference = {}) {
        app::Document document;
        document.reset(input);
        document.setMaskRegion(mask, QStringLiteral("Mask"));
        engine::InpaintRequest request =
            app::EngineClient::makeRequest(document, prompt, QStringLiteral("telea"), seed, 1);
        if (useModel) {
            if (const QString problem = m_model.applyTo(request); !problem.isEmpty())
                return problem;
            request.composite.colorMatch = app::EngineClient::inpaintColorMatch(request.backend);
            if (!reference.isNull())
                request.diffusion.imagePrompts.push_back(
                    {app::ImageConvert::toEngineRgb(reference), 1.0});
        }
        if (const QString problem = app::EngineClient::validate(request); !problem.isEmpty())
            return problem;
        QElapsedTimer timer;
        timer.start();
        QString failure;
        const std::optional<engine::InpaintResult> done = runJob(m_client, request, &failure);
        seconds = static_cast<double>(timer.nsecsElapsed()) * 1e-9;
        if (!done)
            return QStringLiteral("inpainting failed: %1").arg(failure);
        app::Document output;
        output.reset(input);
        QString error;
        if (app::applyCandidateAsLayer(output, *done, 0, &error) < 0)
            return error;
        result = output.flatten().convertToFormat(QImage::Format_RGB888);
        return {};
    }

private:
    const ModelArguments& m_model;
    app::EngineClient m_client;
};

struct Outcome {
    world::WorldObject target;
    std::string phrase;
    int drawn = 0;
    int dominantColour = -1;
    bool clipHit = false;
    double trueScore = 0, bestDistractor = 0;
    world::Background background = world::Background::Plain;
    BoxError eraseModel, eraseTelea;
    Change outside;
    double seconds = 0; // both model jobs (inpaint and erase)

    bool colourHit() const { return dominantColour == target.colour; }
};

struct Tally {
    int scenes = 0, colourHits = 0, clipHits = 0;
    void add(const Outcome& o) {
        ++scenes;
        colourHits += o.colourHit() ? 1 : 0;
        clipHits += o.clipHit ? 1 : 0;
    }
};

QString percent(int hits, int of) {
    return QStringLiteral("%1 % (%2 of %3)")
        .arg(of > 0 ? 100.0 * hits / of : 0.0, 0, 'f', 1)
        .arg(hits)
        .arg(of);
}

QString yesNo(bool met) {
    return met ? QStringLiteral("yes") : QStringLiteral("no");
}

class Evaluation {
public:
    // `autoencoder` only for --autoencoder-only.
    Evaluation(const EvalMiniCommand& command, const engine::ml::ClipScorer& scorer,
               const engine::ml::AutoencoderRoundTrip* autoencoder)
        : m_command(command)
        , m_scorer(scorer)
        , m_autoencoder(autoencoder)
        , m_jobs(command.model) {}

    QString runScene(std::uint64_t n, bool writeSamples, Outcome& out) {
        const world::Scene scene = world::makeScene(kEvaluationSeed, n);
        if (scene.objects.empty())
            return QStringLiteral("scene %1 of the evaluation stream has no object").arg(n);
        const std::size_t targetIndex = n % scene.objects.size();
        world::Scene without = scene;
        without.objects.erase(without.objects.begin() + static_cast<std::ptrdiff_t>(targetIndex));
        out.target = scene.objects[targetIndex];
        out.phrase = world::objectPhrase(out.target);
        const QRect box = maskBox(out.target);
        const QImage mask = maskImage(box);
        const QImage truth = sceneImage(world::render(without));
        const QImage full = sceneImage(world::render(scene));

        // Inpaint: draw the target into the scene without it.
        QImage drawnResult;
        double seconds = 0;
        const QString prompt = m_command.targetPicture ? QString() : QString::fromStdString(out.phrase);
        const QImage reference = m_command.targetPicture ? full.copy(box) : QImage();
        if (m_autoencoder) {
            if (QString e = roundTripInBox(full, truth, box, drawnResult); !e.isEmpty())
                return e;
        } else if (QString e =
                       m_jobs.run(truth, mask, prompt, true, n, drawnResult, seconds, reference);
                   !e.isEmpty()) {
            return e;
        }
        out.seconds += seconds;
        out.dominantColour = dominantDrawnColour(truth, drawnResult, box, out.drawn);
        out.outside = changeOutside(truth, drawnResult, box);
        if (QString e = scoreWithClip(drawnResult.copy(box), n, out); !e.isEmpty())
            return e;

        // Erase: the model and Telea remove the target; the scene without it is the truth.
        QImage erased, telea;
        if (m_autoencoder) {
            if (QString e = roundTripInBox(truth, full, box, erased); !e.isEmpty())
                return e;
        } else if (QString e = m_jobs.run(full, mask, QString(), true, n, erased, seconds);
                   !e.isEmpty()) {
            return e;
        }
        out.seconds += seconds;
        if (QString e = m_jobs.run(full, mask, QString(), false, n, telea, seconds); !e.isEmpty())
            return e;
        out.background = scene.background;
        out.eraseModel = errorInBox(erased, truth, box);
        out.eraseTelea = errorInBox(telea, truth, box);

        if (writeSamples) {
            const QString stem =
                QDir(m_command.samplesPath).filePath(QStringLiteral("scene-%1-").arg(n));
            const std::pair<const char*, const QImage*> pictures[] = {
                {"inpaint-input", &truth}, {"mask", &mask},           {"inpaint-result", &drawnResult},
                {"erase-input", &full},    {"erase-result", &erased}, {"erase-telea", &telea}};
            for (const auto& [name, picture] : pictures) {
                const QString path = stem + QLatin1String(name) + QStringLiteral(".png");
                if (!picture->save(path))
                    return QStringLiteral("cannot write the sample %1").arg(path);
            }
        }
        return {};
    }

private:
    // `base` with the box replaced by the autoencoder's round trip of `picture`: what a decoder
    // that found picture's exact latents would paint into that mask.
    QString roundTripInBox(const QImage& picture, const QImage& base, const QRect& box,
                           QImage& out) const {
        engine::Image decoded;
        if (const engine::Status s =
                m_autoencoder->run(app::ImageConvert::toEngineRgb(picture), decoded);
            !s)
            return QString::fromStdString(s.message());
        out = base.copy();
        QPainter painter(&out);
        painter.drawImage(box.topLeft(), app::ImageConvert::toQImage(decoded).copy(box));
        return {};
    }

    QString scoreWithClip(const QImage& crop, std::uint64_t n, Outcome& out) const {
        const std::vector<std::string> prompts = clipPrompts(out.target, n);
        std::vector<double> scores;
        if (const engine::Status s =
                m_scorer.score(app::ImageConvert::toEngineRgb(crop), prompts, scores);
            !s)
            return QStringLiteral("CLIP scoring failed: %1").arg(QString::fromStdString(s.message()));
        out.trueScore = scores.front();
        out.bestDistractor = *std::max_element(scores.begin() + 1, scores.end());
        out.clipHit = out.trueScore > out.bestDistractor; // a tie is a miss
        return {};
    }

    const EvalMiniCommand& m_command;
    const engine::ml::ClipScorer& m_scorer;
    const engine::ml::AutoencoderRoundTrip* m_autoencoder;
    JobRunner m_jobs;
};

void printLog(QTextStream& log, std::uint64_t n, const Outcome& o) {
    const auto& colours = world::worldColours();
    log << "scene " << n << ": " << QString::fromStdString(o.phrase) << " | colour "
        << (o.dominantColour < 0
                ? QStringLiteral("none drawn")
                : QStringLiteral("%1 (%2 px drawn)")
                      .arg(QLatin1String(colours[static_cast<std::size_t>(o.dominantColour)].name))
                      .arg(o.drawn))
        << (o.colourHit() ? " hit" : " miss") << " | CLIP " << (o.clipHit ? "hit" : "miss")
        << QStringLiteral(" (%1 vs %2)").arg(o.trueScore, 0, 'f', 3).arg(o.bestDistractor, 0, 'f', 3)
        << QStringLiteral(" | erase %1 dB, Telea %2 dB")
               .arg(o.eraseModel.psnr(), 0, 'f', 2)
               .arg(o.eraseTelea.psnr(), 0, 'f', 2)
        << " | " << o.outside.pixels << " px changed outside the mask (max " << o.outside.maxChange
        << ", " << o.outside.reach << " px out)" << QStringLiteral(" | %1 s").arg(o.seconds, 0, 'f', 2)
        << Qt::endl;
}

template <typename Key>
void printBreakdown(QTextStream& table, const char* title, const std::map<Key, Tally>& tallies,
                    const char* (*name)(Key)) {
    table << "\n| " << title
          << " | scenes | colour accuracy | CLIP top-1 |\n| --- | --- | --- | --- |\n";
    for (const auto& [key, tally] : tallies) {
        table << "| " << name(key) << " | " << tally.scenes << " | "
              << percent(tally.colourHits, tally.scenes) << " | "
              << percent(tally.clipHits, tally.scenes) << " |\n";
    }
}

const char* colourName(int colour) {
    return world::worldColours()[static_cast<std::size_t>(colour)].name;
}

void printTable(QTextStream& table, const EvalMiniCommand& command,
                const std::vector<Outcome>& outcomes, double wallSeconds) {
    Tally all;
    std::map<int, Tally> byColour;
    std::map<world::Shape, Tally> byShape;
    double psnrModel = 0, psnrTelea = 0, modelSeconds = 0;
    BoxError pooledModel, pooledTelea;
    std::map<world::Background, std::pair<BoxError, BoxError>> eraseByBackground;
    std::map<world::Background, int> scenesByBackground;
    int eraseWins = 0;
    Change outside;
    int scenesWithChange = 0;
    for (const Outcome& o : outcomes) {
        all.add(o);
        byColour[o.target.colour].add(o);
        byShape[o.target.shape].add(o);
        psnrModel += o.eraseModel.psnr();
        psnrTelea += o.eraseTelea.psnr();
        pooledModel.add(o.eraseModel);
        pooledTelea.add(o.eraseTelea);
        eraseByBackground[o.background].first.add(o.eraseModel);
        eraseByBackground[o.background].second.add(o.eraseTelea);
        ++scenesByBackground[o.background];
        eraseWins += o.eraseModel.squares < o.eraseTelea.squares ? 1 : 0;
        modelSeconds += o.seconds;
        outside.pixels += o.outside.pixels;
        outside.maxChange = std::max(outside.maxChange, o.outside.maxChange);
        outside.reach = std::max(outside.reach, o.outside.reach);
        scenesWithChange += o.outside.pixels > 0 ? 1 : 0;
    }
    const int n = static_cast<int>(outcomes.size());
    psnrModel /= n;
    psnrTelea /= n;
    const engine::DiffusionSettings& settings = command.model.settings;
    table << "Evaluation of " << QDir::toNativeSeparators(command.model.modelPath)
          << " in limner-mini's world: scenes " << command.first << " to " << command.first + n - 1
          << " of the evaluation stream (world seed " << kEvaluationSeed << "), ";
    if (command.autoencoderOnly)
        table << "no inpainting: the mask holds the autoencoder's round trip of the true picture "
                 "(the target for the inpaint judges, the scene without it for erase), the best "
                 "any decoder of this model can paint";
    else
        table << settings.steps << " steps, guidance "
              << (settings.guidanceScale < 0 ? QStringLiteral("default")
                                             : QString::number(settings.guidanceScale))
              << ", one candidate, seed = scene number"
              << (command.targetPicture ? "; prompted with the target's own picture, not its phrase"
                                        : "");
    table << "; " << QStringLiteral("%1 s in all.").arg(wallSeconds, 0, 'f', 1) << "\n\n";
    table << "| measure | result | target | met |\n| --- | --- | --- | --- |\n";
    table << "| scenes | " << n << " | | |\n";
    const double colourRate = 100.0 * all.colourHits / n, clipRate = 100.0 * all.clipHits / n;
    table << "| colour accuracy | " << percent(all.colourHits, n) << " | ≥ " << kColourTarget << " % | "
          << yesNo(colourRate >= kColourTarget) << " |\n";
    table << "| CLIP top-1 of " << 1 + 3 * kDistractorsPerKind << " prompts | "
          << percent(all.clipHits, n) << " | ≥ " << kClipTarget << " % | "
          << yesNo(clipRate >= kClipTarget) << " |\n";
    table << QStringLiteral("| erase PSNR in the mask, model vs Telea (mean of the scenes' PSNR; "
                            "an exact fill counts %1 dB) | %2 dB vs %3 dB | model above Telea | %4 |\n")
                 .arg(kPsnrCap, 0, 'f', 0)
                 .arg(psnrModel, 0, 'f', 2)
                 .arg(psnrTelea, 0, 'f', 2)
                 .arg(yesNo(psnrModel > psnrTelea));
    table << QStringLiteral("| erase PSNR of all masked pixels together, model vs Telea | %1 dB vs "
                            "%2 dB | model above Telea | %3 |\n")
                 .arg(pooledModel.psnr(), 0, 'f', 2)
                 .arg(pooledTelea.psnr(), 0, 'f', 2)
                 .arg(yesNo(pooledModel.psnr() > pooledTelea.psnr()));
    table << "| scenes the model erases closer to the truth than Telea | " << percent(eraseWins, n)
          << " | | |\n";
    table << "| unmasked pixels changed | " << outside.pixels << " px in " << scenesWithChange << " of "
          << n << " scenes, max change " << outside.maxChange << "/255, up to " << outside.reach
          << " px past the mask | | |\n";
    if (!command.autoencoderOnly)
        table << QStringLiteral("| seconds per inpaint (model) | %1 s | | |\n")
                     .arg(modelSeconds / (2.0 * n), 0, 'f', 2);
    printBreakdown(table, "target colour", byColour, &colourName);
    printBreakdown(table, "target shape", byShape, &world::shapeWord);
    table << "\n| background | scenes | erase PSNR, model | erase PSNR, Telea |\n| --- | --- | --- | "
             "--- |\n";
    for (const auto& [background, errors] : eraseByBackground) {
        table << "| " << world::backgroundWord(background) << " | " << scenesByBackground[background]
              << QStringLiteral(" | %1 dB | %2 dB |\n")
                     .arg(errors.first.psnr(), 0, 'f', 2)
                     .arg(errors.second.psnr(), 0, 'f', 2);
    }
    table.flush();
}

} // namespace

QString EvalMiniCommand::run(QTextStream& table, QTextStream& log) const {
    if (scenes < 1)
        return QStringLiteral("eval-mini needs at least one scene");
    // The loader's message on a bad folder, before anything else runs.
    QString error;
    if (model.addModel(&error).isEmpty())
        return error;
    engine::ml::ClipScorer scorer;
    const std::string folder = QFileInfo(model.modelPath).absoluteFilePath().toStdString();
    if (const engine::Status s = engine::ml::ClipScorer::load(folder, scorer); !s)
        return QStringLiteral("the model %1 cannot judge its pictures with CLIP: %2")
            .arg(model.modelPath, QString::fromStdString(s.message()));
    if (!samplesPath.isEmpty() && !QDir().mkpath(samplesPath))
        return QStringLiteral("cannot create the samples folder %1").arg(samplesPath);

    engine::ml::AutoencoderRoundTrip autoencoder;
    if (autoencoderOnly) {
        if (const engine::Status s = engine::ml::AutoencoderRoundTrip::load(folder, autoencoder); !s)
            return QStringLiteral("the model %1 has no autoencoder to measure: %2")
                .arg(model.modelPath, QString::fromStdString(s.message()));
    }

    QElapsedTimer wall;
    wall.start();
    Evaluation evaluation(*this, scorer, autoencoderOnly ? &autoencoder : nullptr);
    std::vector<Outcome> outcomes;
    for (int i = 0; i < scenes; ++i) {
        const std::uint64_t n = static_cast<std::uint64_t>(first) + static_cast<std::uint64_t>(i);
        Outcome outcome;
        if (const QString e =
                evaluation.runScene(n, !samplesPath.isEmpty() && i < sampleScenes, outcome);
            !e.isEmpty())
            return QStringLiteral("scene %1: %2").arg(n).arg(e);
        printLog(log, n, outcome);
        outcomes.push_back(outcome);
    }
    printTable(table, *this, outcomes, static_cast<double>(wall.nsecsElapsed()) * 1e-9);
    return {};
}

} // namespace limner::cli
