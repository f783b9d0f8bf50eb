// limner-cli eval-mini, the evaluation of the bundled model, on a whole (tiny, random-weight)
// Kandinsky 2.2 folder made from the parity fixtures: the numbers mean nothing here; the table,
// its counts, the sample pictures, reproducible scenes and clear refusals are what is checked.
#include "tests/support/KandinskyTestFolder.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRect>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <filesystem>

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList& arguments,
           const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment()) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(LIMNER_CLI_PATH), arguments);
    REQUIRE(process.waitForFinished(300000));
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QString parityDir() {
    const QByteArray env = qgetenv("LIMNER_PARITY_DIR");
    return env.isEmpty() ? QStringLiteral(LIMNER_PARITY_DIR) : QString::fromLocal8Bit(env);
}

// The Kandinsky decoder fixture plus a prior: a whole (tiny) unCLIP model folder.
QString kandinskyWithPrior(const QTemporaryDir& dir) {
    namespace fs = std::filesystem;
    const fs::path root = dir.filePath(QStringLiteral("kandinsky")).toStdString();
    fs::copy((parityDir() + QStringLiteral("/pipeline_kandinsky22_inpaint")).toStdString(), root,
             fs::copy_options::recursive);
    limner::tests::addKandinskyPrior(parityDir().toStdString(), root);
    return QString::fromStdString(root.string());
}

// The scenes column of a breakdown table ("| target colour | scenes | …"), summed.
int breakdownScenes(const QString& table, const QString& title) {
    const int start = table.indexOf(QStringLiteral("| ") + title + QStringLiteral(" | scenes |"));
    if (start < 0)
        return -1;
    int sum = 0;
    const QStringList lines = table.mid(start).split(QLatin1Char('\n'));
    for (int i = 2; i < lines.size() && lines[i].startsWith(QLatin1Char('|')); ++i)
        sum += lines[i].split(QLatin1Char('|')).at(2).trimmed().toInt();
    return sum;
}

// A per-scene log line without its timing, which differs between runs.
QString withoutSeconds(const QString& line) {
    return line.left(line.lastIndexOf(QStringLiteral(" | ")));
}

QStringList sceneLines(const QString& err) {
    QStringList lines;
    for (const QString& line : err.split(QLatin1Char('\n'))) {
        if (line.startsWith(QStringLiteral("scene ")))
            lines << line;
    }
    return lines;
}

// One of eval-mini's sample pictures ("<samples>/scene-<n>-<name>.png") as RGB32.
QImage samplePicture(const QString& stem, const char* name) {
    return QImage(stem + QLatin1String(name) + QStringLiteral(".png"))
        .convertToFormat(QImage::Format_RGB32);
}

void requireCleanFailure(const Run& run, const QString& expected) {
    INFO("stderr: " << run.err.toStdString());
    CHECK(run.exitCode == 1);
    CHECK(run.out.isEmpty());
    CHECK(run.err.trimmed().count(QLatin1Char('\n')) == 0);
    CHECK(run.err.contains(expected));
}

} // namespace

TEST_CASE("limner-cli eval-mini measures a model on unseen scenes and prints one table",
          "[cli][model][eval]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString model = kandinskyWithPrior(dir);
    const QString samples = dir.filePath(QStringLiteral("samples"));
    const Run run = runCli({QStringLiteral("eval-mini"), QStringLiteral("--model"), model,
                            QStringLiteral("--scenes"), QStringLiteral("3"), QStringLiteral("--steps"),
                            QStringLiteral("2"), QStringLiteral("--samples"), samples});
    INFO("stdout: " << run.out.toStdString() << "\nstderr: " << run.err.toStdString());
    REQUIRE(run.exitCode == 0);

    // Every measure has its line, and every count is out of the three scenes.
    CHECK(run.out.contains(QStringLiteral("| scenes | 3 | | |")));
    CHECK(run.out.contains(QRegularExpression(QStringLiteral(
        "\\| colour accuracy \\| [0-9.]+ % \\([0-3] of 3\\) \\| ≥ 85 % \\| (yes|no) \\|"))));
    CHECK(run.out.contains(QRegularExpression(QStringLiteral(
        "\\| CLIP top-1 of 10 prompts \\| [0-9.]+ % \\([0-3] of 3\\) \\| ≥ 70 % \\| (yes|no) \\|"))));
    CHECK(run.out.contains(QRegularExpression(
        QStringLiteral("\\| erase PSNR in the mask, model vs Telea \\(mean of the scenes' PSNR; an "
                       "exact fill counts 99 dB\\) \\| [0-9.]+ dB vs [0-9.]+ dB \\| model above "
                       "Telea \\| (yes|no) \\|"))));
    CHECK(run.out.contains(QRegularExpression(
        QStringLiteral("\\| erase PSNR of all masked pixels together, model vs Telea \\| [0-9.]+ dB "
                       "vs [0-9.]+ dB \\| model above Telea \\| (yes|no) \\|"))));
    CHECK(run.out.contains(QRegularExpression(QStringLiteral(
        "\\| scenes the model erases closer to the truth than Telea \\| [0-9.]+ % \\([0-3] of 3\\)"))));
    CHECK(run.out.contains(QRegularExpression(
        QStringLiteral("\\| unmasked pixels changed \\| [0-9]+ px in [0-3] of 3 scenes, max change "
                       "[0-9]+/255, up to [0-9]+ px past the mask \\|"))));
    CHECK(run.out.contains(
        QRegularExpression(QStringLiteral("\\| seconds per inpaint \\(model\\) \\| [0-9.]+ s \\|"))));
    CHECK(run.out.contains(QStringLiteral("scenes 0 to 2 of the evaluation stream (world seed 2)")));
    CHECK(run.out.contains(QStringLiteral("2 steps")));
    CHECK(breakdownScenes(run.out, QStringLiteral("target colour")) == 3);
    CHECK(breakdownScenes(run.out, QStringLiteral("target shape")) == 3);
    CHECK(breakdownScenes(run.out, QStringLiteral("background")) == 3);
    const QStringList scenes = sceneLines(run.err);
    REQUIRE(scenes.size() == 3);
    for (int i = 0; i < 3; ++i)
        CHECK(scenes[i].startsWith(QStringLiteral("scene %1: a ").arg(i)));

    // The samples: the inpaint input lacks the target, the erase input has it; they differ
    // inside the mask only, and the mask is a filled box.
    for (int scene = 0; scene < 3; ++scene) {
        const QString stem = samples + QStringLiteral("/scene-%1-").arg(scene);
        const QImage mask(stem + QStringLiteral("mask.png"));
        const QImage without = samplePicture(stem, "inpaint-input");
        const QImage with = samplePicture(stem, "erase-input");
        for (const char* name : {"inpaint-result", "erase-result", "erase-telea"})
            CHECK(QFileInfo::exists(stem + QLatin1String(name) + QStringLiteral(".png")));
        REQUIRE(mask.size() == QSize(128, 128));
        REQUIRE(without.size() == mask.size());
        REQUIRE(with.size() == mask.size());
        int masked = 0, grey = 0, differentInside = 0, differentOutside = 0;
        QRect box;
        for (int y = 0; y < 128; ++y) {
            for (int x = 0; x < 128; ++x) {
                const int value = qGray(mask.pixel(x, y));
                const bool inside = value == 255;
                grey += inside || value == 0 ? 0 : 1;
                masked += inside ? 1 : 0;
                if (inside)
                    box |= QRect(x, y, 1, 1);
                const bool different = with.pixel(x, y) != without.pixel(x, y);
                (inside ? differentInside : differentOutside) += different ? 1 : 0;
            }
        }
        CHECK(grey == 0);
        CHECK(masked > 0);
        CHECK(masked == box.width() * box.height());
        CHECK(differentInside > 0);
        CHECK(differentOutside == 0);
    }

    // A scene is the same scene, mask, prompt and seed wherever a run starts.
    const Run one = runCli({QStringLiteral("eval-mini"), QStringLiteral("--model"), model,
                            QStringLiteral("--first"), QStringLiteral("1"), QStringLiteral("--scenes"),
                            QStringLiteral("1"), QStringLiteral("--steps"), QStringLiteral("2")});
    INFO("stderr of --first 1: " << one.err.toStdString());
    REQUIRE(one.exitCode == 0);
    CHECK(one.out.contains(QStringLiteral("| scenes | 1 | | |")));
    const QStringList again = sceneLines(one.err);
    REQUIRE(again.size() == 1);
    CHECK(withoutSeconds(again[0]) == withoutSeconds(scenes[1]));

    // --target-picture: the decoder is prompted with the target's own picture instead of its
    // phrase; the table says so, and the erase half of the scene (no prompt) is unchanged.
    const Run picture = runCli(
        {QStringLiteral("eval-mini"), QStringLiteral("--model"), model, QStringLiteral("--first"),
         QStringLiteral("1"), QStringLiteral("--scenes"), QStringLiteral("1"),
         QStringLiteral("--steps"), QStringLiteral("2"), QStringLiteral("--target-picture")});
    INFO("stderr of --target-picture: " << picture.err.toStdString());
    REQUIRE(picture.exitCode == 0);
    CHECK(picture.out.contains(QStringLiteral("prompted with the target's own picture")));
    CHECK_FALSE(run.out.contains(QStringLiteral("prompted with the target's own picture")));
    const QStringList pictured = sceneLines(picture.err);
    REQUIRE(pictured.size() == 1);
    const auto erasePart = [](const QString& line) {
        const int start = line.indexOf(QStringLiteral("| erase "));
        return line.mid(start, line.indexOf(QStringLiteral(" | "), start + 2) - start);
    };
    CHECK(erasePart(pictured[0]).startsWith(QStringLiteral("| erase ")));
    CHECK(erasePart(pictured[0]) == erasePart(scenes[1]));
}

TEST_CASE("limner-cli eval-mini --autoencoder-only scores the autoencoder's round trip of the truth",
          "[cli][model][eval]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString model = kandinskyWithPrior(dir);
    const QString samples = dir.filePath(QStringLiteral("samples"));
    const Run run =
        runCli({QStringLiteral("eval-mini"), QStringLiteral("--model"), model,
                QStringLiteral("--scenes"), QStringLiteral("2"), QStringLiteral("--autoencoder-only"),
                QStringLiteral("--samples"), samples});
    INFO("stdout: " << run.out.toStdString() << "\nstderr: " << run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    CHECK(
        run.out.contains(QStringLiteral("no inpainting: the mask holds the autoencoder's round trip")));
    CHECK_FALSE(run.out.contains(QStringLiteral(" steps, guidance ")));
    CHECK(run.out.contains(QStringLiteral("| scenes | 2 | | |")));
    CHECK(run.out.contains(QRegularExpression(QStringLiteral(
        "\\| colour accuracy \\| [0-9.]+ % \\([0-2] of 2\\) \\| ≥ 85 % \\| (yes|no) \\|"))));
    // The round trip replaces the mask only, and no model job ran.
    CHECK(run.out.contains(QStringLiteral("| unmasked pixels changed | 0 px in 0 of 2 scenes, max "
                                          "change 0/255, up to 0 px past the mask")));
    CHECK_FALSE(run.out.contains(QStringLiteral("seconds per inpaint")));

    // Inside the mask the inpaint result is the round trip of the scene with its target: not the
    // input (which lacks the target), and changed only inside the mask.
    for (int scene = 0; scene < 2; ++scene) {
        const QString stem = samples + QStringLiteral("/scene-%1-").arg(scene);
        const QImage mask(stem + QStringLiteral("mask.png"));
        const QImage input = samplePicture(stem, "inpaint-input");
        const QImage result = samplePicture(stem, "inpaint-result");
        REQUIRE(mask.size() == QSize(128, 128));
        REQUIRE(result.size() == mask.size());
        int changedInside = 0, changedOutside = 0;
        for (int y = 0; y < 128; ++y) {
            for (int x = 0; x < 128; ++x) {
                const bool changed = input.pixel(x, y) != result.pixel(x, y);
                (qGray(mask.pixel(x, y)) == 255 ? changedInside : changedOutside) += changed ? 1 : 0;
            }
        }
        CHECK(changedInside > 0);
        CHECK(changedOutside == 0);
    }

    const Run both = runCli({QStringLiteral("eval-mini"), QStringLiteral("--model"), model,
                             QStringLiteral("--autoencoder-only"), QStringLiteral("--target-picture")});
    CHECK(both.exitCode == 2);
    CHECK(both.out.isEmpty());
    CHECK(both.err.contains(QStringLiteral("exclude each other")));
}

TEST_CASE("limner-cli eval-mini refuses a missing model in one line with exit code 1",
          "[cli][model][eval]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("no-such-model"));
    requireCleanFailure(runCli({QStringLiteral("eval-mini"), QStringLiteral("--model"), missing,
                                QStringLiteral("--scenes"), QStringLiteral("3")}),
                        QStringLiteral("is not a folder"));

    // Without --model it evaluates the bundled model; where there is none, it says so.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LIMNER_BUNDLED_MODEL"), missing);
    requireCleanFailure(
        runCli({QStringLiteral("eval-mini"), QStringLiteral("--scenes"), QStringLiteral("3")},
               environment),
        QStringLiteral("limner-mini was not found"));

    // A decoder without a prior has no CLIP to judge with.
    requireCleanFailure(runCli({QStringLiteral("eval-mini"), QStringLiteral("--model"),
                                parityDir() + QStringLiteral("/pipeline_kandinsky22_inpaint"),
                                QStringLiteral("--scenes"), QStringLiteral("1")}),
                        QStringLiteral("prior"));

    // eval-mini makes its own inputs: options for other commands are usage errors.
    const Run withPrompt =
        runCli({QStringLiteral("eval-mini"), QStringLiteral("--prompt"), QStringLiteral("a duck")});
    CHECK(withPrompt.exitCode == 2);
    CHECK(withPrompt.err.contains(QStringLiteral("eval-mini takes no --prompt")));
}
