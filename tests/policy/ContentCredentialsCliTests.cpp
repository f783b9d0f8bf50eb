// An inpainted photograph exported by Limner carries signed Content Credentials that the
// reference implementation (c2pa-rs) validates with Limner's actions, model and generated
// region, plus an invisible watermark; a tampered copy fails, a stripped copy keeps the mark.
#include "app/EngineClient.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

class Session {
public:
    Session() {
        REQUIRE(m_dir.isValid());
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("config")));
        m_env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("data"))); // the signer
    }
    QString path(const QString& name) const { return m_dir.filePath(name); }

    Run run(const QString& program, const QStringList& args) const {
        QProcess process;
        process.setProcessEnvironment(m_env);
        process.start(program, args);
        REQUIRE(process.waitForFinished(240000));
        Run r;
        r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        r.out = QString::fromUtf8(process.readAllStandardOutput());
        r.err = QString::fromUtf8(process.readAllStandardError());
        return r;
    }
    Run cli(const QStringList& args) const { return run(QStringLiteral(LIMNER_CLI_PATH), args); }

private:
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
};

QJsonObject c2paRs(const Session& session, const QString& file, const QString& mime) {
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        FAIL("node is not installed: run scripts/setup-c2pa-interop");
    const QString dir = QStringLiteral(LIMNER_C2PA_TEST_DIR);
    const Run r = session.run(node, {dir + QStringLiteral("/verify_c2pa.mjs"), file, mime,
                                     dir + QStringLiteral("/node_modules")});
    INFO(r.out.toStdString() << r.err.toStdString());
    if (r.exitCode == 2)
        FAIL("the c2pa-rs package is missing: run scripts/setup-c2pa-interop");
    const QJsonObject result = QJsonDocument::fromJson(r.out.toUtf8()).object();
    REQUIRE(!result.isEmpty());
    return result;
}

QStringList codes(const QJsonObject& result, const char* kind) {
    QStringList out;
    const QJsonObject active =
        result[QStringLiteral("validation_results")][QStringLiteral("activeManifest")].toObject();
    for (const QJsonValue& v : active[QLatin1String(kind)].toArray())
        out << v[QStringLiteral("code")].toString();
    return out;
}

} // namespace

TEST_CASE("An inpainted photograph exports with Content Credentials c2pa-rs validates, and a "
          "watermark that survives a metadata strip",
          "[policy][c2pa][cli]") {
    if (!limner::app::EngineClient::modelsSupported())
        return;
    const bool checkInterop = qEnvironmentVariable("LIMNER_SKIP_C2PA_INTEROP") != QLatin1String("1");
    Session session;
    QImage mask(512, 512, QImage::Format_Grayscale8);
    mask.fill(Qt::black);
    // The suit, not the face; large enough for the watermark (it marks only generated pixels).
    QPainter(&mask).fillRect(QRect(280, 290, 220, 210), Qt::white);
    REQUIRE(mask.save(session.path(QStringLiteral("mask.png"))));

    for (const char* format : {"png", "jpg", "webp", "tiff"}) {
        const QString suffix = QLatin1String(format);
        INFO(suffix.toStdString());
        const QString out = session.path(QStringLiteral("edited.") + suffix);
        const Run inpaint = session.cli(
            {QStringLiteral("inpaint"), QStringLiteral("--image"),
             QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png"), QStringLiteral("--mask"),
             session.path(QStringLiteral("mask.png")), QStringLiteral("--out"), out,
             QStringLiteral("--model"), QStringLiteral(LIMNER_RESOURCES_DIR "/models/limner-mini"),
             QStringLiteral("--steps"), QStringLiteral("3"), QStringLiteral("--prompt"),
             QStringLiteral("a red circle")});
        INFO(inpaint.err.toStdString());
        REQUIRE(inpaint.exitCode == 0);

        // Limner's own reading.
        const Run verify = session.cli({QStringLiteral("verify"), out});
        INFO(verify.out.toStdString());
        CHECK(verify.exitCode == 0);
        CHECK(verify.out.contains(
            QStringLiteral("Content Credentials: valid, signer not in a trust list")));
        CHECK(verify.out.contains(QStringLiteral("c2pa.opened")));
        CHECK(verify.out.contains(QStringLiteral("c2pa.edited")));
        CHECK(verify.out.contains(QStringLiteral("limner-mini")));
        CHECK(verify.out.contains(QStringLiteral("Invisible watermark: Limner's")));

        // The reference implementation's.
        if (checkInterop) {
            const QString mime = suffix == QLatin1String("png")    ? QStringLiteral("image/png")
                                 : suffix == QLatin1String("webp") ? QStringLiteral("image/webp")
                                 : suffix == QLatin1String("tiff") ? QStringLiteral("image/tiff")
                                                                   : QStringLiteral("image/jpeg");
            const QJsonObject result = c2paRs(session, out, mime);
            const QString json = QString::fromUtf8(QJsonDocument(result).toJson());
            INFO(json.toStdString());
            CHECK(codes(result, "failure") ==
                  QStringList{QStringLiteral("signingCredential.untrusted")});
            CHECK(codes(result, "success").contains(QStringLiteral("assertion.dataHash.match")));
            CHECK(json.contains(QStringLiteral("compositeWithTrainedAlgorithmicMedia")));
            CHECK(json.contains(QStringLiteral("org.limner.generation")));
            CHECK(json.contains(QStringLiteral("limner-mini")));

            // A byte of the picture changed after export: the hard binding breaks.
            QFile original(out);
            REQUIRE(original.open(QIODevice::ReadOnly));
            QByteArray bytes = original.readAll();
            // Flip a byte of the image data, away from the manifest: near the start in PNG and
            // JPEG (after IHDR, after the APPn segments), at the end in WebP and TIFF.
            const bool atEnd = suffix == QLatin1String("webp") || suffix == QLatin1String("tiff");
            const qsizetype at = atEnd ? bytes.size() / 4 : bytes.size() * 3 / 4;
            bytes[at] = char(bytes[at] ^ 0x5a);
            const QString tampered = session.path(QStringLiteral("tampered.") + suffix);
            QFile t(tampered);
            REQUIRE(t.open(QIODevice::WriteOnly));
            t.write(bytes);
            t.close();
            CHECK(codes(c2paRs(session, tampered, mime), "failure")
                      .contains(QStringLiteral("assertion.dataHash.mismatch")));
            const Run verifyTampered = session.cli({QStringLiteral("verify"), tampered});
            CHECK(verifyTampered.exitCode == 6);
        }
    }

    // Metadata stripped and re-compressed at JPEG quality 75: no credentials, the mark remains.
    const QString stripped = session.path(QStringLiteral("stripped.jpg"));
    REQUIRE(QImage(session.path(QStringLiteral("edited.png"))).save(stripped, "JPG", 75));
    const Run verifyStripped = session.cli({QStringLiteral("verify"), stripped});
    INFO(verifyStripped.out.toStdString());
    CHECK(verifyStripped.exitCode == 5);
    CHECK(verifyStripped.out.contains(QStringLiteral("Invisible watermark: Limner's")));

    // exiftool still reads the IPTC digital source type from the XMP.
    const QString exiftool = QStandardPaths::findExecutable(QStringLiteral("exiftool"));
    REQUIRE_FALSE(exiftool.isEmpty());
    const Run exif = session.run(exiftool, {QStringLiteral("-XMP-iptcExt:DigitalSourceType"),
                                            session.path(QStringLiteral("edited.jpg"))});
    CHECK(exif.out.contains(QStringLiteral("compositeWithTrainedAlgorithmicMedia")));
}
