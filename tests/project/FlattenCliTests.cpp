#include "app/Document.h"
#include "app/project/ProjectFile.h"
#include "tests/project/ProjectFixtures.h"

#include <QFileInfo>
#include <QProcess>
#include <QRegion>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>

using limner::app::Document;
using limner::app::ProjectFile;

namespace {

struct Run {
    int exitCode = -1;
    QString err;
};

Run runCli(const QStringList& arguments) {
    QProcess process;
    process.start(QStringLiteral(LIMNER_CLI_PATH), arguments);
    REQUIRE(process.waitForFinished(60000));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

TEST_CASE("limner-cli flatten writes a project's flattened picture with its provenance", "[project]") {
    QTemporaryDir dir;
    Document document;
    ProjectFixtures::buildLayeredDocument(document); // has a visible model layer
    const QString project = dir.filePath(QStringLiteral("scene.ora"));
    QString error;
    REQUIRE(ProjectFile::save(document, project, &error));

    const QString out = dir.filePath(QStringLiteral("scene.png"));
    const Run run = runCli({QStringLiteral("flatten"), project, QStringLiteral("--out"), out});
    INFO(run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    CHECK(run.err.isEmpty());
    // Straight-alpha PNG of the premultiplied composite: compare as the same format. The
    // invisible watermark (on by default for exports with generated pixels) moves the model
    // layer's pixels a little and nothing else.
    const QImage written = QImage(out).convertToFormat(QImage::Format_ARGB32_Premultiplied);
    const QImage expected = document.flatten();
    REQUIRE(written.size() == expected.size());
    QRegion generated;
    for (const auto& layer : document.layers()) {
        if (layer.generation.fromTrainedModel)
            generated += layer.canvasRect();
    }
    double squared = 0;
    int changedOutside = 0;
    for (int y = 0; y < written.height(); ++y) {
        for (int x = 0; x < written.width(); ++x) {
            const QRgb a = written.pixel(x, y), b = expected.pixel(x, y);
            for (int d : {qRed(a) - qRed(b), qGreen(a) - qGreen(b), qBlue(a) - qBlue(b)})
                squared += double(d) * d;
            if (a != b && !generated.contains(QPoint(x, y)))
                ++changedOutside;
        }
    }
    CHECK(changedOutside == 0);
    const double mse = squared / (3.0 * written.width() * written.height());
    CHECK((mse == 0 || 10 * std::log10(255.0 * 255.0 / mse) >= 40.0));
    const QString exiftool = QStandardPaths::findExecutable(QStringLiteral("exiftool"));
    REQUIRE_FALSE(exiftool.isEmpty());
    QProcess p;
    p.start(exiftool, {QStringLiteral("-n"), QStringLiteral("-s3"),
                       QStringLiteral("-XMP-iptcExt:DigitalSourceType"), out});
    REQUIRE(p.waitForFinished(60000));
    CHECK(p.readAllStandardOutput().trimmed().endsWith("compositeWithTrainedAlgorithmicMedia"));

    SECTION("a damaged project gives one line, exit 1 and no output") {
        const QString broken = dir.filePath(QStringLiteral("broken.ora"));
        ProjectFixtures::writeFile(broken, ProjectFixtures::readFile(project).left(1000));
        const QString none = dir.filePath(QStringLiteral("none.png"));
        const Run bad = runCli({QStringLiteral("flatten"), broken, QStringLiteral("--out"), none});
        CHECK(bad.exitCode == 1);
        CHECK(bad.err.startsWith(QStringLiteral("limner-cli: cannot open")));
        CHECK(bad.err.trimmed().count(QLatin1Char('\n')) == 0);
        CHECK_FALSE(QFileInfo::exists(none));
    }
    SECTION("a missing --out is a usage error") {
        CHECK(runCli({QStringLiteral("flatten"), project}).exitCode == 2);
    }
}
