#include "C2paFixtures.h"
#include "app/c2pa/C2paReader.h"
#include "app/c2pa/C2paSigner.h"
#include "app/c2pa/C2paWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <thread>
#include <vector>

using namespace limner::app;
using namespace limner::app::test;

namespace {

void writeText(const QString& path, const QByteArray& text) {
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(text);
}

// A certificate for the key in `keyPath` that expired a year ago.
QByteArray expiredCertificatePem(const QString& keyPath) {
    QFile keyFile(keyPath);
    REQUIRE(keyFile.open(QIODevice::ReadOnly));
    const QByteArray keyPem = keyFile.readAll();
    BIO* keyBio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr);
    BIO_free(keyBio);
    REQUIRE(key);
    X509* cert = X509_new();
    X509_set_version(cert, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert), -2L * 365 * 24 * 3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), -365L * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("old"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_set_pubkey(cert, key);
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
    BIO* out = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(out, cert);
    char* data = nullptr;
    const long size = BIO_get_mem_data(out, &data);
    const QByteArray pem(data, int(size));
    BIO_free(out);
    X509_free(cert);
    EVP_PKEY_free(key);
    return pem;
}

} // namespace

TEST_CASE("loadOrCreate makes an owner-only key once and reuses it", "[c2pa]") {
    QTemporaryDir temp;
    const QString dir = temp.filePath(QStringLiteral("c2pa"));
    QString error;
    const C2paSigner first = C2paSigner::loadOrCreate(dir, &error);
    INFO(error.toStdString());
    REQUIRE(first.isValid());
    const QFileInfo key(QDir(dir).filePath(QStringLiteral("key.pem")));
    REQUIRE(key.exists());
    CHECK(key.permissions() ==
          (QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser));
    const QFile::Permissions dirPermissions = QFileInfo(dir).permissions();
    CHECK((dirPermissions & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                             QFile::WriteOther | QFile::ExeOther)) == QFile::Permissions());
    CHECK(QFileInfo::exists(QDir(dir).filePath(QStringLiteral("cert.pem"))));
    CHECK(first.subject().contains(QStringLiteral("Limner local signer")));

    const C2paSigner second = C2paSigner::loadOrCreate(dir, &error);
    REQUIRE(second.isValid());
    CHECK(second.publicKeyDer() == first.publicKeyDer());
    CHECK(second.certificateChainDer() == first.certificateChainDer());
}

TEST_CASE("Exports starting at once on first use make one key, not a key beside another's "
          "certificate",
          "[c2pa]") {
    QTemporaryDir temp;
    const QString dir = temp.filePath(QStringLiteral("c2pa"));
    constexpr int kThreads = 6;
    std::vector<C2paSigner> signers(kThreads);
    std::vector<QString> errors(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            signers[std::size_t(i)] = C2paSigner::loadOrCreate(dir, &errors[std::size_t(i)]);
        });
    for (std::thread& t : threads)
        t.join();
    for (int i = 0; i < kThreads; ++i) {
        INFO(errors[std::size_t(i)].toStdString());
        REQUIRE(signers[std::size_t(i)].isValid());
        CHECK(signers[std::size_t(i)].publicKeyDer() == signers[0].publicKeyDer());
    }
    // What they left on disk loads, and is the key they all sign with.
    QString error;
    const C2paSigner later =
        C2paSigner::fromPemFiles(QDir(dir).filePath(QStringLiteral("cert.pem")),
                                 QDir(dir).filePath(QStringLiteral("key.pem")), &error);
    INFO(error.toStdString());
    REQUIRE(later.isValid());
    CHECK(later.publicKeyDer() == signers[0].publicKeyDer());
}

TEST_CASE("fromPemFiles signs with the user's own certificate and key", "[c2pa]") {
    QTemporaryDir temp;
    QString error;
    REQUIRE(C2paSigner::loadOrCreate(temp.path(), &error).isValid());
    const C2paSigner signer = C2paSigner::fromPemFiles(
        temp.filePath(QStringLiteral("cert.pem")), temp.filePath(QStringLiteral("key.pem")), &error);
    INFO(error.toStdString());
    REQUIRE(signer.isValid());
    const QByteArray file = C2paWriter::embed(
        encodeImage(c2paTestImage(), "PNG"), c2paTestSpec(QStringLiteral("image/png")), signer, &error);
    CHECK(C2paReader::read(file).state == C2paReport::State::ValidUntrusted);
}

TEST_CASE("A signer trusted through its certificate makes a valid manifest", "[c2pa]") {
    QString error;
    const QByteArray file =
        C2paWriter::embed(encodeImage(c2paTestImage(), "PNG"),
                          c2paTestSpec(QStringLiteral("image/png")), c2paTestSigner(), &error);
    const C2paReport report = C2paReader::read(file, c2paTestSigner().certificateChainDer());
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::Valid);
    CHECK(report.statusCodes.contains(QStringLiteral("signingCredential.trusted")));
}

TEST_CASE("fromPemFiles explains unreadable, missing and mismatched PEM files", "[c2pa]") {
    QTemporaryDir temp;
    const QString garbage = temp.filePath(QStringLiteral("garbage.pem"));
    writeText(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    const QString empty = temp.filePath(QStringLiteral("empty.pem"));
    writeText(empty, QByteArray());
    QString error;
    REQUIRE(C2paSigner::loadOrCreate(temp.filePath(QStringLiteral("a")), &error).isValid());
    REQUIRE(C2paSigner::loadOrCreate(temp.filePath(QStringLiteral("b")), &error).isValid());
    const QString certA = temp.filePath(QStringLiteral("a/cert.pem"));
    const QString keyA = temp.filePath(QStringLiteral("a/key.pem"));
    const QString keyB = temp.filePath(QStringLiteral("b/key.pem"));

    SECTION("garbage key") {
        error.clear();
        CHECK(!C2paSigner::fromPemFiles(certA, garbage, &error).isValid());
        CHECK(error.contains(QStringLiteral("private key")));
    }
    SECTION("garbage certificate") {
        error.clear();
        CHECK(!C2paSigner::fromPemFiles(garbage, keyA, &error).isValid());
        CHECK(error.contains(QStringLiteral("certificate")));
    }
    SECTION("empty files") {
        error.clear();
        CHECK(!C2paSigner::fromPemFiles(empty, empty, &error).isValid());
        CHECK(!error.isEmpty());
    }
    SECTION("missing file") {
        error.clear();
        CHECK(!C2paSigner::fromPemFiles(temp.filePath(QStringLiteral("none.pem")), keyA, &error)
                   .isValid());
        CHECK(error.contains(QStringLiteral("cannot read")));
    }
    SECTION("key of another certificate") {
        error.clear();
        CHECK(!C2paSigner::fromPemFiles(certA, keyB, &error).isValid());
        CHECK(error.contains(QStringLiteral("does not belong")));
    }
    SECTION("an invalid signer signs nothing") {
        error.clear();
        CHECK(C2paWriter::embed(encodeImage(c2paTestImage(), "PNG"),
                                c2paTestSpec(QStringLiteral("image/png")), C2paSigner(), &error)
                  .isEmpty());
        CHECK(!error.isEmpty());
    }
}

TEST_CASE("A manifest signed with an expired certificate has an invalid signature", "[c2pa]") {
    QTemporaryDir temp;
    QString error;
    REQUIRE(C2paSigner::loadOrCreate(temp.path(), &error).isValid());
    const QString expired = temp.filePath(QStringLiteral("expired.pem"));
    writeText(expired, expiredCertificatePem(temp.filePath(QStringLiteral("key.pem"))));
    const C2paSigner signer =
        C2paSigner::fromPemFiles(expired, temp.filePath(QStringLiteral("key.pem")), &error);
    INFO(error.toStdString());
    REQUIRE(signer.isValid());
    const QByteArray file = C2paWriter::embed(
        encodeImage(c2paTestImage(), "PNG"), c2paTestSpec(QStringLiteral("image/png")), signer, &error);
    REQUIRE(!file.isEmpty());
    const C2paReport report = C2paReader::read(file);
    INFO(report.text().toStdString());
    CHECK(report.state == C2paReport::State::SignatureInvalid);
    CHECK(report.statusCodes.contains(QStringLiteral("signingCredential.expired")));
}
