// limner-cli with diffusion model folders: the parity fixtures' tiny random-weight models in the
// diffusers layout (Stable Diffusion inpainting with its text tower; the Kandinsky 2.2 decoder
// without a prior). Random weights make noise, not pictures: these tests check what a user
// relies on whatever the weights — the files written, the pixels kept, reproducible seeds and
// clear refusals — not that the result follows the prompt.
#include "tests/support/KandinskyTestFolder.h"
#include "tests/support/SafetyCheckerFolder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

namespace {

struct Run {
    int exitCode = -1;
    QString err;
};

Run runCli(const QStringList& arguments) {
    QProcess process;
    process.start(QStringLiteral(LIMNER_CLI_PATH), arguments);
    REQUIRE(process.waitForFinished(300000));
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QString parityDir() {
    const QByteArray env = qgetenv("LIMNER_PARITY_DIR");
    return env.isEmpty() ? QStringLiteral(LIMNER_PARITY_DIR) : QString::fromLocal8Bit(env);
}

QString stableDiffusion() {
    return parityDir() + QStringLiteral("/pipeline_sd_inpaint");
}

QString kandinskyDecoder() {
    return parityDir() + QStringLiteral("/pipeline_kandinsky22_inpaint");
}

// The Kandinsky decoder fixture plus a prior: a whole (tiny) unCLIP model folder.
QString kandinskyWithPrior(const QTemporaryDir& dir) {
    namespace fs = std::filesystem;
    const fs::path root = dir.filePath(QStringLiteral("kandinsky")).toStdString();
    fs::copy(kandinskyDecoder().toStdString(), root, fs::copy_options::recursive);
    limner::tests::addKandinskyPrior(parityDir().toStdString(), root);
    return QString::fromStdString(root.string());
}

QString coffee() {
    return QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png");
}

const QRect kHole(60, 50, 40, 30);

QString writeMask(const QTemporaryDir& dir, const QSize& size) {
    QImage mask(size, QImage::Format_Grayscale8);
    mask.fill(Qt::black);
    QPainter painter(&mask);
    painter.fillRect(kHole, Qt::white);
    painter.end();
    const QString path = dir.filePath(QStringLiteral("mask.png"));
    REQUIRE(mask.save(path));
    return path;
}

QStringList inpaintArgs(const QString& model, const QString& mask, const QString& out) {
    return {QStringLiteral("inpaint"),
            QStringLiteral("--image"),
            coffee(),
            QStringLiteral("--mask"),
            mask,
            QStringLiteral("--model"),
            model,
            QStringLiteral("--out"),
            out,
            QStringLiteral("--steps"),
            QStringLiteral("3"),
            QStringLiteral("--feather"),
            QStringLiteral("0")};
}

int changedPixels(const QImage& a, const QImage& b, const QRect& area, bool inside) {
    int changed = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            if (area.contains(x, y) == inside && a.pixel(x, y) != b.pixel(x, y))
                ++changed;
        }
    }
    return changed;
}

void requireCleanFailure(const Run& run, const QString& out, const QString& expected) {
    INFO("stderr: " << run.err.toStdString());
    CHECK(run.exitCode != 0);
    CHECK(run.err.trimmed().count(QLatin1Char('\n')) == 0);
    CHECK(run.err.contains(expected));
    CHECK_FALSE(QFileInfo::exists(out));
}

} // namespace

TEST_CASE("limner-cli inpaint --model writes numbered candidates that differ only in the hole",
          "[cli][model]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QImage original = QImage(coffee()).convertToFormat(QImage::Format_RGB32);
    REQUIRE(!original.isNull());
    const QString mask = writeMask(dir, original.size());
    const QString out = dir.filePath(QStringLiteral("out.png"));
    QStringList args = inpaintArgs(stableDiffusion(), mask, out);
    args << QStringLiteral("--prompt") << QStringLiteral("a red teapot") << QStringLiteral("--seed")
         << QStringLiteral("11") << QStringLiteral("--candidates") << QStringLiteral("2")
         << QStringLiteral("--scheduler") << QStringLiteral("euler-ancestral");
    const Run run = runCli(args);
    INFO("stderr: " << run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    CHECK_FALSE(QFileInfo::exists(out));
    const QImage first(dir.filePath(QStringLiteral("out-1.png")));
    const QImage second(dir.filePath(QStringLiteral("out-2.png")));
    REQUIRE(first.size() == original.size());
    REQUIRE(second.size() == original.size());
    const QImage a = first.convertToFormat(QImage::Format_RGB32);
    const QImage b = second.convertToFormat(QImage::Format_RGB32);
    // With no feather, only the hole is regenerated: outside it the photo is bit-identical.
    CHECK(changedPixels(a, original, kHole, false) == 0);
    CHECK(changedPixels(b, original, kHole, false) == 0);
    CHECK(changedPixels(a, original, kHole, true) > kHole.width() * kHole.height() / 2);
    // Two candidates are two seeds: they differ.
    CHECK(changedPixels(a, b, kHole, true) > kHole.width() * kHole.height() / 4);

    // The same seed on the same device gives the same pixels (candidate 2 = seed 12).
    const QString again = dir.filePath(QStringLiteral("again.png"));
    QStringList repeat = inpaintArgs(stableDiffusion(), mask, again);
    repeat << QStringLiteral("--prompt") << QStringLiteral("a red teapot") << QStringLiteral("--seed")
           << QStringLiteral("12") << QStringLiteral("--scheduler")
           << QStringLiteral("euler-ancestral");
    const Run second_run = runCli(repeat);
    INFO("stderr: " << second_run.err.toStdString());
    REQUIRE(second_run.exitCode == 0);
    CHECK(QImage(again).convertToFormat(QImage::Format_RGB32) == b);
}

// A model's fill holds something new (a red teapot on a brown table): by default it is not
// pulled towards the colours around the hole, unless the user asks for colour match.
TEST_CASE("limner-cli inpaint --model keeps the fill's colours unless --color-match asks",
          "[cli][model]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QImage original = QImage(coffee()).convertToFormat(QImage::Format_RGB32);
    const QString mask = writeMask(dir, original.size());
    const QString model = kandinskyWithPrior(dir);
    const auto inpaint = [&](const QString& name, const QStringList& extra) {
        const QString out = dir.filePath(name);
        QStringList args = inpaintArgs(model, mask, out);
        args << QStringLiteral("--prompt") << QStringLiteral("a red teapot") << QStringLiteral("--seed")
             << QStringLiteral("5") << extra;
        const Run run = runCli(args);
        INFO("stderr: " << run.err.toStdString());
        REQUIRE(run.exitCode == 0);
        return QImage(out).convertToFormat(QImage::Format_RGB32);
    };
    const QImage byDefault = inpaint(QStringLiteral("default.png"), {});
    const QImage off =
        inpaint(QStringLiteral("off.png"), {QStringLiteral("--color-match"), QStringLiteral("off")});
    const QImage matched = inpaint(QStringLiteral("stats.png"),
                                   {QStringLiteral("--color-match"), QStringLiteral("stats")});
    CHECK(byDefault == off);
    CHECK(changedPixels(matched, original, kHole, false) == 0);
    CHECK(changedPixels(matched, byDefault, kHole, true) > kHole.width() * kHole.height() / 2);
    // Matched, the hole's mean colour moves towards that of the pixels around it.
    const auto mean = [](const QImage& image, const QRect& area, const QRect& hole) {
        double sum[3] = {0, 0, 0};
        int n = 0;
        for (int y = area.top(); y <= area.bottom(); ++y)
            for (int x = area.left(); x <= area.right(); ++x)
                if (area == hole || !hole.contains(x, y)) {
                    const QRgb p = image.pixel(x, y);
                    sum[0] += qRed(p);
                    sum[1] += qGreen(p);
                    sum[2] += qBlue(p);
                    ++n;
                }
        return std::array<double, 3>{sum[0] / n, sum[1] / n, sum[2] / n};
    };
    const auto around = mean(original, kHole.adjusted(-8, -8, 8, 8), kHole);
    const auto distance = [&](const QImage& image) {
        const auto inside = mean(image, kHole, kHole);
        return std::abs(inside[0] - around[0]) + std::abs(inside[1] - around[1]) +
               std::abs(inside[2] - around[2]);
    };
    INFO("hole mean vs surroundings: default " << distance(byDefault) << ", matched "
                                               << distance(matched));
    CHECK(distance(matched) < distance(byDefault));
}

TEST_CASE("limner-cli inpaint --model runs an unCLIP model with prompts, image prompts and none",
          "[cli][model]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QImage original = QImage(coffee()).convertToFormat(QImage::Format_RGB32);
    const QString mask = writeMask(dir, original.size());
    const QString model = kandinskyWithPrior(dir);
    const QString reference = dir.filePath(QStringLiteral("reference.png"));
    QImage referencePicture(64, 48, QImage::Format_RGB32);
    referencePicture.fill(QColor(200, 40, 40));
    REQUIRE(referencePicture.save(reference));

    const QStringList extras[] = {
        {QStringLiteral("--prompt"), QStringLiteral("a duck")},                 // text
        {},                                                                     // variation
        {QStringLiteral("--image-prompt"), reference + QStringLiteral(":0.7")}, // image
    };
    QImage previous;
    for (const QStringList& extra : extras) {
        const QString out =
            dir.filePath(QStringLiteral("k-%1.png").arg(extra.join(QLatin1Char('_')).size()));
        QStringList args = inpaintArgs(model, mask, out);
        args += extra;
        const Run run = runCli(args);
        INFO("args: " << args.join(QLatin1Char(' ')).toStdString()
                      << " stderr: " << run.err.toStdString());
        REQUIRE(run.exitCode == 0);
        const QImage result = QImage(out).convertToFormat(QImage::Format_RGB32);
        CHECK(changedPixels(result, original, kHole, false) == 0);
        CHECK(changedPixels(result, original, kHole, true) > 0);
        // What steers the model changes what it makes, all else (seed, steps) equal.
        if (!previous.isNull())
            CHECK(changedPixels(result, previous, kHole, true) > 0);
        previous = result;
    }
}

TEST_CASE("limner-cli refuses a Kandinsky decoder without its prior when the model is added",
          "[cli][model]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QImage original(coffee());
    const QString mask = writeMask(dir, original.size());
    const QString out = dir.filePath(QStringLiteral("decoder-only.png"));
    requireCleanFailure(runCli(inpaintArgs(kandinskyDecoder(), mask, out)), out,
                        QStringLiteral("needs its prior"));
}

TEST_CASE("limner-cli refuses bad model folders and options in one line", "[cli][model]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QImage original(coffee());
    const QString mask = writeMask(dir, original.size());
    const QString out = dir.filePath(QStringLiteral("out.png"));

    // A folder missing a component names it.
    const QString broken = dir.filePath(QStringLiteral("broken"));
    REQUIRE(QDir().mkpath(broken));
    for (const QString& entry : QDir(stableDiffusion()).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (entry == QLatin1String("vae"))
            continue;
        const QString target = broken + QLatin1Char('/') + entry;
        REQUIRE(QDir().mkpath(target));
        for (const QString& file :
             QDir(stableDiffusion() + QLatin1Char('/') + entry).entryList(QDir::Files))
            REQUIRE(QFile::copy(stableDiffusion() + QLatin1Char('/') + entry + QLatin1Char('/') + file,
                                target + QLatin1Char('/') + file));
    }
    REQUIRE(QFile::copy(stableDiffusion() + QStringLiteral("/model_index.json"),
                        broken + QStringLiteral("/model_index.json")));
    requireCleanFailure(runCli(inpaintArgs(broken, mask, out)), out, QStringLiteral("vae"));

    // A truncated weight file: the safetensors check says so.
    REQUIRE(QDir().mkpath(broken + QStringLiteral("/vae")));
    const QString vae = broken + QStringLiteral("/vae/diffusion_pytorch_model.safetensors");
    QFile source(stableDiffusion() + QStringLiteral("/vae/diffusion_pytorch_model.safetensors"));
    REQUIRE(source.open(QIODevice::ReadOnly));
    const QByteArray bytes = source.readAll();
    QFile truncated(vae);
    REQUIRE(truncated.open(QIODevice::WriteOnly));
    truncated.write(bytes.left(bytes.size() / 3));
    truncated.close();
    REQUIRE(QFile::copy(stableDiffusion() + QStringLiteral("/vae/config.json"),
                        broken + QStringLiteral("/vae/config.json")));
    requireCleanFailure(runCli(inpaintArgs(broken, mask, out)), out, QStringLiteral("safetensors"));

    // Diffusion options without a model, and out-of-range values, are usage errors.
    QStringList noModel{QStringLiteral("inpaint"),
                        QStringLiteral("--image"),
                        coffee(),
                        QStringLiteral("--mask"),
                        mask,
                        QStringLiteral("--out"),
                        out,
                        QStringLiteral("--steps"),
                        QStringLiteral("10")};
    requireCleanFailure(runCli(noModel), out, QStringLiteral("need --model"));
    QStringList badSteps = inpaintArgs(stableDiffusion(), mask, out);
    badSteps.replace(badSteps.indexOf(QStringLiteral("3")), QStringLiteral("0"));
    requireCleanFailure(runCli(badSteps), out, QStringLiteral("--steps must be"));
    QStringList badDevice = inpaintArgs(stableDiffusion(), mask, out);
    badDevice << QStringLiteral("--device") << QStringLiteral("tpu");
    requireCleanFailure(runCli(badDevice), out, QStringLiteral("--device must be"));
    QStringList imagePromptOnSd = inpaintArgs(stableDiffusion(), mask, out);
    imagePromptOnSd << QStringLiteral("--image-prompt") << coffee() + QStringLiteral(":0.5");
    requireCleanFailure(runCli(imagePromptOnSd), out, QStringLiteral("image prompts"));
}

// limner-mini (trained) on a picture of its world rather than a random model on a photograph:
// the claim is about how much the picture changes, which only an autoencoder that reconstructs
// the picture can show.
TEST_CASE("limner-cli inpaint --soft reads the mask's gray levels as how much to change",
          "[cli][model][soft]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    QImage original(256, 192, QImage::Format_RGB32);
    original.fill(qRgb(40, 80, 220));
    const QString picture = dir.filePath(QStringLiteral("blue.png"));
    REQUIRE(original.save(picture));
    const auto maskOf = [&](int level, const QString& name) {
        QImage mask(original.size(), QImage::Format_Grayscale8);
        mask.fill(Qt::black);
        QPainter painter(&mask);
        painter.fillRect(kHole, QColor(level, level, level));
        painter.end();
        const QString path = dir.filePath(name);
        REQUIRE(mask.save(path));
        return path;
    };
    const QString white = maskOf(255, QStringLiteral("white.png"));
    const QString faint = maskOf(60, QStringLiteral("faint.png"));
    const auto inpaint = [&](const QString& mask, const QString& name, const QStringList& extra) {
        const QString out = dir.filePath(name);
        QStringList args = inpaintArgs(QStringLiteral(LIMNER_MINI_DIR), mask, out);
        args.replace(args.indexOf(QStringLiteral("3")), QStringLiteral("20"));
        args.replace(args.indexOf(coffee()), picture);
        args << QStringLiteral("--prompt") << QStringLiteral("a red circle") << QStringLiteral("--seed")
             << QStringLiteral("5") << extra;
        const Run run = runCli(args);
        INFO("stderr: " << run.err.toStdString());
        REQUIRE(run.exitCode == 0);
        return QImage(out).convertToFormat(QImage::Format_RGB32);
    };
    const auto meanChange = [&](const QImage& image) {
        double sum = 0;
        for (int y = kHole.top(); y <= kHole.bottom(); ++y) {
            for (int x = kHole.left(); x <= kHole.right(); ++x) {
                const QRgb a = image.pixel(x, y), b = original.pixel(x, y);
                sum += std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) +
                       std::abs(qBlue(a) - qBlue(b));
            }
        }
        return sum / (3.0 * kHole.width() * kHole.height());
    };
    const QStringList soft{QStringLiteral("--soft")};
    const QImage full = inpaint(white, QStringLiteral("full.png"), soft);
    const QImage weak = inpaint(faint, QStringLiteral("weak.png"), soft);
    const QImage hard = inpaint(faint, QStringLiteral("hard.png"), {});
    const QImage hardWhite = inpaint(white, QStringLiteral("hard-white.png"), {});
    INFO("mean |change| in the hole: white mask " << meanChange(full) << ", 24% gray "
                                                  << meanChange(weak));
    // A faint mask changes the hole a little; a white one repaints it.
    CHECK(meanChange(weak) < 0.5 * meanChange(full));
    CHECK(meanChange(weak) > 0.0);
    // Nothing outside the mask changes.
    CHECK(changedPixels(weak, original, kHole, false) == 0);
    CHECK(changedPixels(full, original, kHole, false) == 0);
    // Without --soft any gray counts as masked, as it always did.
    CHECK(hard == hardWhite);
    CHECK(hard != weak);

    const QString out = dir.filePath(QStringLiteral("refused.png"));
    QStringList curveAlone = inpaintArgs(QStringLiteral(LIMNER_MINI_DIR), faint, out);
    curveAlone.replace(curveAlone.indexOf(coffee()), picture);
    curveAlone << QStringLiteral("--soft-curve") << QStringLiteral("2");
    requireCleanFailure(runCli(curveAlone), out, QStringLiteral("--soft-curve needs --soft"));
}

TEST_CASE("limner-cli does not write a candidate the model's safety checker flags, unless the "
          "policy is off",
          "[cli][model][safety]") {
    namespace fs = std::filesystem;
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("sd-with-checker"));
    fs::copy(stableDiffusion().toStdString(), model.toStdString(), fs::copy_options::recursive);
    const QString mask = writeMask(dir, QImage(coffee()).size());

    limner::tests::writeSafetyChecker(model, -1.5); // every picture flagged
    const QString flagged = dir.filePath(QStringLiteral("flagged.png"));
    const Run refused = runCli(inpaintArgs(model, mask, flagged));
    INFO(refused.err.toStdString());
    CHECK(refused.exitCode == 3);
    CHECK(refused.err.contains(QStringLiteral("safety checker flagged")));
    CHECK(refused.err.trimmed().count(QLatin1Char('\n')) == 0);
    CHECK_FALSE(QFileInfo::exists(flagged));

    const Run off = runCli(inpaintArgs(model, mask, flagged)
                           << QStringLiteral("--policy") << QStringLiteral("off"));
    INFO(off.err.toStdString());
    CHECK(off.exitCode == 0);
    CHECK(off.err.contains(QStringLiteral("warning")));
    CHECK(QFileInfo::exists(flagged));

    limner::tests::writeSafetyChecker(model, 1.5); // nothing flagged
    const QString clean = dir.filePath(QStringLiteral("clean.png"));
    const Run passed = runCli(inpaintArgs(model, mask, clean));
    INFO(passed.err.toStdString());
    CHECK(passed.exitCode == 0);
    CHECK(QFileInfo::exists(clean));
}
