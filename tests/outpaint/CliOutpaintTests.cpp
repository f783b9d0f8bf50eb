#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

namespace {

struct Run {
    int exitCode = -1;
    QString err;
};

Run runCli(const QStringList& arguments) {
    QProcess process;
    process.start(QStringLiteral(LIMNER_CLI_PATH), arguments);
    REQUIRE(process.waitForFinished(120000));
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QString coffee() {
    return QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png");
}

} // namespace

TEST_CASE("limner-cli outpaint grows the picture and keeps the original away from the seam",
          "[outpaint][cli]") {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("wide.png"));
    const Run run = runCli({QStringLiteral("outpaint"), QStringLiteral("--image"), coffee(),
                            QStringLiteral("--left"), QStringLiteral("64"), QStringLiteral("--top"),
                            QStringLiteral("32"), QStringLiteral("--right"), QStringLiteral("17"),
                            QStringLiteral("--out"), out});
    INFO(run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    const QImage input = QImage(coffee()).convertToFormat(QImage::Format_RGB32);
    const QImage output = QImage(out);
    REQUIRE(output.size() == input.size() + QSize(64 + 17, 32));
    CHECK_FALSE(output.hasAlphaChannel());
    const QImage result = output.convertToFormat(QImage::Format_RGB32);
    // Well inside the original, every pixel is the input's.
    const int seam = 40;
    int changed = 0;
    for (int y = seam; y < input.height() - seam; ++y)
        for (int x = seam; x < input.width() - seam; ++x)
            changed += result.pixel(x + 64, y + 32) != input.pixel(x, y);
    CHECK(changed == 0);
}

TEST_CASE("limner-cli outpaint refuses bad input with one line and writes nothing", "[outpaint][cli]") {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.png"));
    struct Bad {
        QStringList args;
        const char* expected;
    };
    const Bad cases[] = {
        {{QStringLiteral("--left"), QStringLiteral("0")}, "nothing to extend"},
        {{QStringLiteral("--left"), QStringLiteral("-5")}, "--left must be"},
        {{QStringLiteral("--right"), QStringLiteral("10"), QStringLiteral("--seed-fill"),
          QStringLiteral("sparkles")},
         "--seed-fill must be"},
        {{QStringLiteral("--right"), QStringLiteral("10"), QStringLiteral("--backend"),
          QStringLiteral("magic")},
         "unknown backend"},
        {{QStringLiteral("--right"), QStringLiteral("10"), QStringLiteral("--model"),
          dir.filePath(QStringLiteral("missing"))},
         "is not a folder"},
    };
    for (const Bad& bad : cases) {
        QStringList args{QStringLiteral("outpaint"), QStringLiteral("--image"), coffee(),
                         QStringLiteral("--out"), out};
        args += bad.args;
        const Run run = runCli(args);
        INFO(bad.expected << " / stderr: " << run.err.toStdString());
        CHECK(run.exitCode != 0);
        CHECK(run.err.contains(QString::fromLatin1(bad.expected)));
        CHECK(run.err.trimmed().count(QLatin1Char('\n')) == 0);
        CHECK_FALSE(QFileInfo::exists(out));
    }
}
