#include "C2paFixtures.h"
#include "app/c2pa/C2paContainer.h"
#include "app/c2pa/C2paWriter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace limner::app;
using namespace limner::app::test;

// Interoperability with the reference implementation: c2pa-rs (as WebAssembly, the npm package
// @contentauth/c2pa-wasm that scripts/setup-c2pa-interop installs into tests/c2pa/node_modules)
// must read Limner's manifests, find them valid but for the self-signed signer, and see the
// hard binding break when the pixels change. Without node or the package these tests fail,
// unless LIMNER_SKIP_C2PA_INTEROP=1.

namespace {

const QString kTestDir = QStringLiteral(LIMNER_C2PA_TEST_DIR);

// The validation codes c2pa-rs accepts for a self-signed signer: the credential is not on a
// trust list. Anything else in the failure list is a defect in Limner's manifest.
const QStringList kExpectedFailures = {QStringLiteral("signingCredential.untrusted")};

bool skipInterop() {
    return qEnvironmentVariable("LIMNER_SKIP_C2PA_INTEROP") == QLatin1String("1");
}

QJsonObject verifyWithC2paRs(const QByteArray& file, const QString& mime) {
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        FAIL(
            "node is not installed: run scripts/setup-c2pa-interop, or set LIMNER_SKIP_C2PA_INTEROP=1");
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("signed"));
    QFile out(path);
    REQUIRE(out.open(QIODevice::WriteOnly));
    out.write(file);
    out.close();
    QProcess process;
    process.start(node, {kTestDir + QStringLiteral("/verify_c2pa.mjs"), path, mime,
                         kTestDir + QStringLiteral("/node_modules")});
    REQUIRE(process.waitForFinished(120000));
    const QByteArray stdOut = process.readAllStandardOutput();
    INFO("verify_c2pa.mjs: " << stdOut.toStdString() << process.readAllStandardError().toStdString());
    REQUIRE(process.exitStatus() == QProcess::NormalExit);
    if (process.exitCode() == 2)
        FAIL("the c2pa-rs package is missing: run scripts/setup-c2pa-interop, or set "
             "LIMNER_SKIP_C2PA_INTEROP=1");
    const QJsonObject result = QJsonDocument::fromJson(stdOut).object();
    REQUIRE(!result.isEmpty());
    return result;
}

// Every failure code of the active manifest (validation_results) or the flat status list.
QStringList failureCodes(const QJsonObject& result) {
    QStringList codes;
    const QJsonObject active =
        result[QStringLiteral("validation_results")][QStringLiteral("activeManifest")].toObject();
    for (const QJsonValue& v : active[QStringLiteral("failure")].toArray())
        codes.append(v[QStringLiteral("code")].toString());
    for (const QJsonValue& v : result[QStringLiteral("validation_status")].toArray()) {
        const QString code = v[QStringLiteral("code")].toString();
        if (!codes.contains(code))
            codes.append(code);
    }
    return codes;
}

QStringList successCodes(const QJsonObject& result) {
    QStringList codes;
    const QJsonObject active =
        result[QStringLiteral("validation_results")][QStringLiteral("activeManifest")].toObject();
    for (const QJsonValue& v : active[QStringLiteral("success")].toArray())
        codes.append(v[QStringLiteral("code")].toString());
    return codes;
}

QByteArray signedFile(const char* format, const C2paManifestSpec& spec) {
    QString error;
    const QByteArray embedded =
        C2paWriter::embed(encodeImage(c2paTestImage(), format), spec, c2paTestSigner(), &error);
    INFO(error.toStdString());
    REQUIRE(!embedded.isEmpty());
    return embedded;
}

QByteArray signedFile(const char* format, const QString& mime) {
    return signedFile(format, c2paTestSpec(mime));
}

} // namespace

TEST_CASE("c2pa-rs reads Limner's PNG, JPEG, WebP and TIFF manifests as valid except for the untrusted "
          "self-signed signer",
          "[c2pa][interop]") {
    if (skipInterop()) {
        WARN("LIMNER_SKIP_C2PA_INTEROP=1: interoperability with c2pa-rs not checked");
        return;
    }
    const auto [format, mime] =
        GENERATE(std::make_pair("PNG", "image/png"), std::make_pair("JPG", "image/jpeg"),
                 std::make_pair("WEBP", "image/webp"), std::make_pair("TIFF", "image/tiff"));
    const QJsonObject result =
        verifyWithC2paRs(signedFile(format, QString::fromLatin1(mime)), QString::fromLatin1(mime));
    INFO(QJsonDocument(result).toJson().toStdString());
    REQUIRE(!result.contains(QStringLiteral("error")));

    const QStringList failures = failureCodes(result);
    INFO("c2pa-rs failures: " << failures.join(QStringLiteral(", ")).toStdString());
    for (const QString& code : failures)
        CHECK(kExpectedFailures.contains(code));
    CHECK(failures.contains(QStringLiteral("signingCredential.untrusted")));
    const QStringList successes = successCodes(result);
    CHECK(successes.contains(QStringLiteral("claimSignature.validated")));
    CHECK(successes.contains(QStringLiteral("assertion.dataHash.match")));

    const QJsonObject manifest = result[QStringLiteral("manifest")].toObject();
    const QJsonArray generators = manifest[QStringLiteral("claim_generator_info")].toArray();
    REQUIRE(!generators.isEmpty());
    CHECK(generators[0][QStringLiteral("name")].toString() == QLatin1String("Limner"));
    QStringList labels;
    QJsonArray actions;
    for (const QJsonValue& assertion : manifest[QStringLiteral("assertions")].toArray()) {
        const QString label = assertion[QStringLiteral("label")].toString();
        labels.append(label);
        if (label.startsWith(QLatin1String("c2pa.actions")))
            actions = assertion[QStringLiteral("data")][QStringLiteral("actions")].toArray();
    }
    CHECK(labels.contains(QStringLiteral("org.limner.generation")));
    REQUIRE(actions.size() == 2);
    CHECK(actions[0][QStringLiteral("action")].toString() == QLatin1String("c2pa.created"));
    CHECK(actions[1][QStringLiteral("action")].toString() == QLatin1String("c2pa.edited"));
    CHECK(actions[1][QStringLiteral("digitalSourceType")].toString().endsWith(
        QLatin1String("compositeWithTrainedAlgorithmicMedia")));
    const QJsonObject parameters = actions[1][QStringLiteral("parameters")].toObject();
    CHECK(parameters[QStringLiteral("org.limner.models")].toArray().size() == 2);
    CHECK(parameters[QStringLiteral("org.limner.generatedRegions")].toArray().size() == 2);
}

TEST_CASE("c2pa-rs reports a data hash mismatch when a signed PNG's, JPEG's, WebP's or TIFF's "
          "image data changes",
          "[c2pa][interop]") {
    if (skipInterop()) {
        WARN("LIMNER_SKIP_C2PA_INTEROP=1: interoperability with c2pa-rs not checked");
        return;
    }
    const auto [format, mime, data] = GENERATE(
        std::make_tuple("PNG", "image/png", "IDAT"), std::make_tuple("JPG", "image/jpeg", "\xFF\xDA"),
        std::make_tuple("WEBP", "image/webp", "VP8"), std::make_tuple("TIFF", "image/tiff", ""));
    QByteArray file = signedFile(format, QString::fromLatin1(mime));
    const C2paContainer::Located manifest = C2paContainer::locate(file);
    REQUIRE(manifest.found);
    // A TIFF's strips come before its appended IFD and store: a byte half way to them.
    const qsizetype at = *data ? file.indexOf(data) + 20 : manifest.start / 2;
    REQUIRE((at < manifest.start || at >= manifest.start + manifest.length)); // in the picture
    file[at] = char(file[at] ^ 0x01);
    const QJsonObject result = verifyWithC2paRs(file, QString::fromLatin1(mime));
    INFO(QJsonDocument(result).toJson().toStdString());
    CHECK(failureCodes(result).contains(QStringLiteral("assertion.dataHash.mismatch")));
}

TEST_CASE("c2pa-rs accepts an opened photograph's parent ingredient and a manifest split over "
          "JPEG segments",
          "[c2pa][interop]") {
    if (skipInterop()) {
        WARN("LIMNER_SKIP_C2PA_INTEROP=1: interoperability with c2pa-rs not checked");
        return;
    }
    const C2paManifestSpec spec = GENERATE(c2paOpenedSpec(QStringLiteral("image/jpeg")),
                                           c2paLargeSpec(QStringLiteral("image/jpeg")));
    const QJsonObject result = verifyWithC2paRs(signedFile("JPG", spec), QStringLiteral("image/jpeg"));
    INFO(QJsonDocument(result).toJson().left(6000).toStdString());
    REQUIRE(!result.contains(QStringLiteral("error")));
    for (const QString& code : failureCodes(result))
        CHECK(kExpectedFailures.contains(code));
    CHECK(successCodes(result).contains(QStringLiteral("assertion.dataHash.match")));
}
