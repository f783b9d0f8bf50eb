// limner-cli and the content policy: refusals and warnings are one line with their own exit
// codes (3 refused, 4 needs --confirm) and write nothing; classical fills are never stopped.
#include "app/EngineClient.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

namespace {

struct Run {
    int exitCode = -1;
    QString err;
};

class Cli {
public:
    Cli() {
        REQUIRE(m_dir.isValid());
        QImage mask(512, 512, QImage::Format_Grayscale8);
        mask.fill(Qt::black);
        QPainter(&mask).fillRect(QRect(180, 80, 60, 60), Qt::white); // Eileen Collins' face
        REQUIRE(mask.save(path(QStringLiteral("face.png"))));
        mask.fill(Qt::black);
        QPainter(&mask).fillRect(QRect(380, 400, 80, 80), Qt::white);
        REQUIRE(mask.save(path(QStringLiteral("corner.png"))));
    }
    QString path(const QString& name) const { return m_dir.filePath(name); }

    Run inpaint(const QString& mask, const QString& out, const QStringList& extra) const {
        QStringList args{QStringLiteral("inpaint"),
                         QStringLiteral("--image"),
                         QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png"),
                         QStringLiteral("--mask"),
                         path(mask),
                         QStringLiteral("--out"),
                         path(out)};
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("config"))); // no user prefs
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(LIMNER_CLI_PATH), args + extra);
        REQUIRE(process.waitForFinished(240000));
        Run run;
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.err = QString::fromUtf8(process.readAllStandardError()).trimmed();
        return run;
    }

private:
    QTemporaryDir m_dir;
};

QStringList model(const QString& prompt) {
    return {QStringLiteral("--model"),  QStringLiteral(LIMNER_RESOURCES_DIR "/models/limner-mini"),
            QStringLiteral("--steps"),  QStringLiteral("3"),
            QStringLiteral("--prompt"), prompt};
}

} // namespace

TEST_CASE("limner-cli refuses by the policy in one line, exit 3, and writes nothing", "[policy][cli]") {
    if (!limner::app::EngineClient::modelsSupported())
        return;
    Cli cli;
    const Run gore = cli.inpaint(QStringLiteral("corner.png"), QStringLiteral("gore.png"),
                                 model(QStringLiteral("G O R E"))
                                     << QStringLiteral("--policy") << QStringLiteral("strict"));
    INFO(gore.err.toStdString());
    CHECK(gore.exitCode == 3);
    CHECK(gore.err == QStringLiteral("limner-cli: refused by the content policy (Strict): the prompt "
                                     "matches the rule \"graphic violence\" (term \"gore\")"));
    CHECK_FALSE(QFileInfo::exists(cli.path(QStringLiteral("gore.png"))));

    const Run face = cli.inpaint(QStringLiteral("face.png"), QStringLiteral("face.png.out.png"),
                                 model(QStringLiteral("a smiling face"))
                                     << QStringLiteral("--policy") << QStringLiteral("strict"));
    CHECK(face.exitCode == 3);
    CHECK(face.err.contains(QStringLiteral("touches a face")));
    CHECK(face.err.count(QLatin1Char('\n')) == 0);
    CHECK_FALSE(QFileInfo::exists(cli.path(QStringLiteral("face.png.out.png"))));

    const Run bad = cli.inpaint(QStringLiteral("corner.png"), QStringLiteral("x.png"),
                                model(QStringLiteral("a tree"))
                                    << QStringLiteral("--policy") << QStringLiteral("lenient"));
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.contains(QStringLiteral("--policy must be off, standard or strict")));
}

TEST_CASE("limner-cli asks for --confirm in Standard (exit 4) and goes on with it; classical fills "
          "pass",
          "[policy][cli]") {
    if (!limner::app::EngineClient::modelsSupported())
        return;
    Cli cli;
    const Run ask = cli.inpaint(QStringLiteral("face.png"), QStringLiteral("out.png"),
                                model(QStringLiteral("a smiling face")));
    INFO(ask.err.toStdString());
    CHECK(ask.exitCode == 4); // Standard is the default
    CHECK(ask.err.contains(QStringLiteral("give --confirm")));
    CHECK_FALSE(QFileInfo::exists(cli.path(QStringLiteral("out.png"))));

    const Run confirmed =
        cli.inpaint(QStringLiteral("face.png"), QStringLiteral("out.png"),
                    model(QStringLiteral("a smiling face")) << QStringLiteral("--confirm"));
    INFO(confirmed.err.toStdString());
    CHECK(confirmed.exitCode == 0);
    CHECK(QFileInfo::exists(cli.path(QStringLiteral("out.png"))));

    const Run classical = cli.inpaint(QStringLiteral("face.png"), QStringLiteral("telea.png"),
                                      {QStringLiteral("--backend"), QStringLiteral("telea"),
                                       QStringLiteral("--policy"), QStringLiteral("strict")});
    CHECK(classical.exitCode == 0);
    CHECK(QFileInfo::exists(cli.path(QStringLiteral("telea.png"))));
}
