#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <iostream>

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run runCli(const QStringList& arguments) {
    QProcess process;
    process.start(QStringLiteral(LIMNER_CLI_PATH), arguments);
    REQUIRE(process.waitForFinished(120000));
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

QString coffee() {
    return QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png");
}

QString writeMask(const QTemporaryDir& dir, const QString& name, const QSize& size, const QRect& white,
                  QImage::Format format = QImage::Format_Grayscale8) {
    QImage mask(size, format);
    mask.fill(Qt::black);
    QPainter painter(&mask);
    painter.fillRect(white, Qt::white);
    painter.end();
    const QString path = dir.filePath(name);
    REQUIRE(mask.save(path));
    return path;
}

// A failure is one line on stderr naming the problem, a non-zero exit and no output file.
void requireCleanFailure(const Run& run, const QString& outputPath, const QString& expected) {
    INFO("stderr: " << run.err.toStdString());
    CHECK(run.exitCode != 0);
    CHECK(run.err.trimmed().count(QLatin1Char('\n')) == 0);
    CHECK(run.err.contains(expected));
    CHECK_FALSE(QFileInfo::exists(outputPath));
    CHECK(QDir(QFileInfo(outputPath).absolutePath())
              .entryList({QStringLiteral("*out*")}, QDir::Files)
              .isEmpty());
}

} // namespace

// Counts changed pixels inside `inner`, and outside `outer` (which contains inner).
struct Changes {
    int inside = 0;
    int outside = 0;
};

Changes compareToInput(const QString& outputPath, const QRect& inner, const QRect& outer) {
    const QImage input = QImage(coffee()).convertToFormat(QImage::Format_RGB32);
    const QImage output = QImage(outputPath);
    REQUIRE(output.size() == input.size());
    CHECK_FALSE(output.hasAlphaChannel()); // an opaque photograph stays RGB
    const QImage result = output.convertToFormat(QImage::Format_RGB32);
    Changes changes;
    for (int y = 0; y < input.height(); ++y) {
        for (int x = 0; x < input.width(); ++x) {
            const bool changed = result.pixel(x, y) != input.pixel(x, y);
            if (inner.contains(x, y))
                changes.inside += changed;
            else if (!outer.contains(x, y))
                changes.outside += changed;
        }
    }
    return changes;
}

TEST_CASE("limner-cli inpaint fills the masked area and leaves the rest of the picture alone",
          "[cli]") {
    QTemporaryDir dir;
    const QRect hole(250, 150, 80, 60);
    const QString mask = writeMask(dir, QStringLiteral("mask.png"), QSize(600, 400), hole);
    const QString out = dir.filePath(QStringLiteral("out.png"));
    QStringList arguments{QStringLiteral("inpaint"),
                          QStringLiteral("--image"),
                          coffee(),
                          QStringLiteral("--mask"),
                          mask,
                          QStringLiteral("--backend"),
                          QStringLiteral("telea"),
                          QStringLiteral("--out"),
                          out,
                          QStringLiteral("--seed"),
                          QStringLiteral("3")};

    SECTION("with a hard edge exactly the masked pixels change") {
        const Run run = runCli(arguments << QStringLiteral("--feather") << QStringLiteral("0"));
        INFO("stderr: " << run.err.toStdString());
        REQUIRE(run.exitCode == 0);
        CHECK(run.err.isEmpty());
        const Changes changes = compareToInput(out, hole, hole);
        CHECK(changes.outside == 0);
        CHECK(changes.inside > hole.width() * hole.height() / 2);
    }
    SECTION("with the default soft edge nothing changes beyond the edge's reach") {
        const Run run = runCli(arguments);
        INFO("stderr: " << run.err.toStdString());
        REQUIRE(run.exitCode == 0);
        // The soft edge is at most 16 px wide and reaches at most 24 px past the mask.
        const Changes changes = compareToInput(out, hole, hole.adjusted(-24, -24, 24, 24));
        CHECK(changes.outside == 0);
        CHECK(changes.inside > hole.width() * hole.height() / 2);
    }
}

TEST_CASE("limner-cli accepts a colour mask with transparency and writes JPEG", "[cli]") {
    QTemporaryDir dir;
    const QString mask = writeMask(dir, QStringLiteral("mask.png"), QSize(600, 400),
                                   QRect(10, 10, 40, 40), QImage::Format_ARGB32);
    const QString out = dir.filePath(QStringLiteral("out.jpg"));
    const Run run = runCli({QStringLiteral("inpaint"), QStringLiteral("--image"), coffee(),
                            QStringLiteral("--mask"), mask, QStringLiteral("--backend"),
                            QStringLiteral("navier-stokes"), QStringLiteral("--out"), out});
    INFO("stderr: " << run.err.toStdString());
    CHECK(run.exitCode == 0);
    CHECK(QImage(out).size() == QSize(600, 400));
}

TEST_CASE("limner-cli refuses bad input with one line, a non-zero exit and no output", "[cli]") {
    QTemporaryDir dir;
    const QString goodMask =
        writeMask(dir, QStringLiteral("mask.png"), QSize(600, 400), QRect(5, 5, 20, 20));
    const QString out = dir.filePath(QStringLiteral("out.png"));
    auto inpaint = [&](const QString& image, const QString& mask, const QString& backend,
                       const QString& output) {
        return runCli({QStringLiteral("inpaint"), QStringLiteral("--image"), image,
                       QStringLiteral("--mask"), mask, QStringLiteral("--backend"), backend,
                       QStringLiteral("--out"), output});
    };

    SECTION("missing image") {
        requireCleanFailure(
            inpaint(dir.filePath(QStringLiteral("none.png")), goodMask, QStringLiteral("telea"), out),
            out, QStringLiteral("does not exist"));
    }
    SECTION("missing mask") {
        requireCleanFailure(
            inpaint(coffee(), dir.filePath(QStringLiteral("none.png")), QStringLiteral("telea"), out),
            out, QStringLiteral("does not exist"));
    }
    SECTION("mask of another size") {
        // astronaut.png also makes libpng warn about its colour profile: still one line.
        const QString small =
            writeMask(dir, QStringLiteral("small.png"), QSize(512, 480), QRect(5, 5, 20, 20));
        requireCleanFailure(inpaint(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png"),
                                    small, QStringLiteral("telea"), out),
                            out, QStringLiteral("mask is 512×480 but the image is 512×512"));
    }
    SECTION("empty mask") {
        const QString black = writeMask(dir, QStringLiteral("black.png"), QSize(600, 400), QRect());
        requireCleanFailure(inpaint(coffee(), black, QStringLiteral("telea"), out), out,
                            QStringLiteral("empty"));
    }
    SECTION("unknown backend lists the known ones") {
        const Run run = inpaint(coffee(), goodMask, QStringLiteral("dalle"), out);
        requireCleanFailure(run, out, QStringLiteral("unknown backend 'dalle'"));
        CHECK(run.err.contains(QStringLiteral("telea")));
        CHECK(run.err.contains(QStringLiteral("navier-stokes")));
    }
    SECTION("output folder missing") {
        const QString nowhere = dir.filePath(QStringLiteral("missing/out.png"));
        requireCleanFailure(inpaint(coffee(), goodMask, QStringLiteral("telea"), nowhere), nowhere,
                            QStringLiteral("does not exist"));
    }
    SECTION("output of unknown type") {
        const QString odd = dir.filePath(QStringLiteral("out.gif"));
        requireCleanFailure(inpaint(coffee(), goodMask, QStringLiteral("telea"), odd), odd,
                            QStringLiteral("unknown file type"));
    }
    SECTION("corrupt image") {
        QFile junk(dir.filePath(QStringLiteral("junk.png")));
        REQUIRE(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(1000, 'j'));
        junk.close();
        requireCleanFailure(inpaint(junk.fileName(), goodMask, QStringLiteral("telea"), out), out,
                            QStringLiteral("not a supported image"));
    }
    SECTION("unknown colour match") {
        QStringList args{QStringLiteral("inpaint"),
                         QStringLiteral("--image"),
                         coffee(),
                         QStringLiteral("--mask"),
                         goodMask,
                         QStringLiteral("--backend"),
                         QStringLiteral("telea"),
                         QStringLiteral("--out"),
                         out,
                         QStringLiteral("--color-match"),
                         QStringLiteral("purple")};
        requireCleanFailure(
            runCli(args), out,
            QStringLiteral("--color-match must be off, stats or histogram, not 'purple'"));
    }
    SECTION("missing option") {
        const Run run = runCli({QStringLiteral("inpaint"), QStringLiteral("--image"), coffee()});
        requireCleanFailure(run, out, QStringLiteral("--mask"));
    }
}

TEST_CASE("limner-cli --help shows usage and --version the version", "[cli]") {
    const Run help = runCli({QStringLiteral("--help")});
    CHECK(help.exitCode == 0);
    CHECK(help.out.contains(QStringLiteral("inpaint --image")));
    CHECK(help.out.contains(QStringLiteral("--backend")));
    const Run version = runCli({QStringLiteral("--version")});
    CHECK(version.exitCode == 0);
    CHECK(version.out.startsWith(QStringLiteral("limner-cli ")));
}

namespace {

// The cat's head from chelsea.png pasted onto astronaut.png inside an ellipse: the true mask is
// known because the test made it.
struct PastedObject {
    QString picturePath;
    QImage truth;
    QRect bounds;
};

PastedObject pasteCatOnAstronaut(const QTemporaryDir& dir) {
    const QImage cat = QImage(QStringLiteral(LIMNER_TEST_DATA_DIR "/chelsea.png"))
                           .convertToFormat(QImage::Format_RGB32);
    QImage picture = QImage(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png"))
                         .convertToFormat(QImage::Format_RGB32);
    REQUIRE(!cat.isNull());
    REQUIRE(!picture.isNull());
    QImage shape(cat.size(), QImage::Format_Grayscale8);
    shape.fill(0);
    QPainter painter(&shape);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Qt::white);
    painter.drawEllipse(QPoint(225, 150), 120, 100); // no antialiasing: a hard 0/255 shape
    painter.end();
    const QPoint offset(-120, -60);
    PastedObject pasted;
    pasted.truth = QImage(picture.size(), QImage::Format_Grayscale8);
    pasted.truth.fill(0);
    for (int y = 0; y < cat.height(); ++y) {
        for (int x = 0; x < cat.width(); ++x) {
            const QPoint target = QPoint(x, y) + offset;
            if (qGray(shape.pixel(x, y)) == 0 || !picture.rect().contains(target))
                continue;
            picture.setPixel(target, cat.pixel(x, y));
            pasted.truth.scanLine(target.y())[target.x()] = 255;
            pasted.bounds |= QRect(target, QSize(1, 1));
        }
    }
    pasted.picturePath = dir.filePath(QStringLiteral("composite.png"));
    REQUIRE(picture.save(pasted.picturePath));
    return pasted;
}

double maskIou(const QImage& mask, const QImage& truth) {
    long both = 0, either = 0;
    for (int y = 0; y < truth.height(); ++y) {
        for (int x = 0; x < truth.width(); ++x) {
            const bool a = qGray(mask.pixel(x, y)) >= 128, b = qGray(truth.pixel(x, y)) >= 128;
            both += a && b;
            either += a || b;
        }
    }
    return either == 0 ? 1.0 : static_cast<double>(both) / static_cast<double>(either);
}

} // namespace

TEST_CASE("limner-cli mask --box writes a grey mask of the object in the box", "[cli][selection]") {
    QTemporaryDir dir;
    const PastedObject pasted = pasteCatOnAstronaut(dir);
    const QRect box = pasted.bounds.adjusted(-12, -12, 12, 12);
    const QString out = dir.filePath(QStringLiteral("mask.png"));
    const Run run = runCli(
        {QStringLiteral("mask"), QStringLiteral("--image"), pasted.picturePath, QStringLiteral("--box"),
         QStringLiteral("%1,%2,%3,%4").arg(box.x()).arg(box.y()).arg(box.width()).arg(box.height()),
         QStringLiteral("--out"), out});
    INFO("stderr: " << run.err.toStdString());
    REQUIRE(run.exitCode == 0);
    CHECK(run.err.isEmpty());
    const QImage mask(out);
    REQUIRE(mask.size() == pasted.truth.size());
    CHECK(mask.format() == QImage::Format_Grayscale8);
    const double iou = maskIou(mask, pasted.truth);
    std::cout << "limner-cli mask --box, cat's head on the astronaut: IoU " << iou << std::endl;
    CHECK(iou >= 0.9);
}

TEST_CASE("limner-cli mask refuses bad arguments with one line and writes nothing",
          "[cli][selection]") {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out-mask.png"));
    const QStringList start{QStringLiteral("mask"), QStringLiteral("--image"), coffee(),
                            QStringLiteral("--out"), out};
    SECTION("no way of selecting") {
        const Run run = runCli(start);
        requireCleanFailure(run, out,
                            QStringLiteral("mask needs exactly one of --box, --wand, --color or "
                                           "--refine"));
        CHECK(run.exitCode == 2);
    }
    SECTION("two ways of selecting") {
        requireCleanFailure(runCli(QStringList(start)
                                   << QStringLiteral("--wand") << QStringLiteral("5,5")
                                   << QStringLiteral("--color") << QStringLiteral("1,2,3")),
                            out, QStringLiteral("exactly one of"));
    }
    SECTION("a box of three numbers") {
        requireCleanFailure(
            runCli(QStringList(start) << QStringLiteral("--box") << QStringLiteral("1,2,3")), out,
            QStringLiteral("--box must be X,Y,WIDTH,HEIGHT"));
    }
    SECTION("a wand point outside the picture") {
        const Run run =
            runCli(QStringList(start) << QStringLiteral("--wand") << QStringLiteral("700,10"));
        requireCleanFailure(run, out, QStringLiteral("(700, 10) is outside the 600×400 picture"));
        CHECK(run.exitCode == 1);
    }
    SECTION("refine without a mask") {
        requireCleanFailure(runCli(QStringList(start) << QStringLiteral("--refine")), out,
                            QStringLiteral("--refine needs --mask"));
    }
}
