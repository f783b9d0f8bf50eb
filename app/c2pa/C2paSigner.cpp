#include "app/c2pa/C2paSigner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace limner::app {

namespace {

QString openSslError(const QString& what) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return what;
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    return QStringLiteral("%1 (%2)").arg(what, QString::fromLatin1(buffer));
}

struct BioDeleter {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
    void operator()(X509* x) const { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

std::shared_ptr<EVP_PKEY> sharedKey(EVP_PKEY* key) {
    return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

QByteArray bioBytes(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

QByteArray toDer(X509* cert) {
    const int size = i2d_X509(cert, nullptr);
    if (size <= 0)
        return {};
    QByteArray der(size, '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_X509(cert, &p);
    return der;
}

bool isP256(EVP_PKEY* key) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
        return false;
    char curve[64] = {};
    size_t length = 0;
    if (!EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof curve, &length))
        return false;
    return qstrcmp(curve, "prime256v1") == 0 || qstrcmp(curve, "P-256") == 0;
}

bool addExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
    if (!ext)
        return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

// A self-signed certificate for `key` that C2PA validators accept as a signing certificate:
// version 3, ecdsa-with-SHA256, not a CA, digitalSignature, emailProtection, SKI and AKI.
X509Ptr makeSelfSignedCertificate(EVP_PKEY* key, QString* error) {
    X509Ptr cert(X509_new());
    if (!cert) {
        *error = openSslError(QStringLiteral("cannot create a certificate"));
        return nullptr;
    }
    X509_set_version(cert.get(), X509_VERSION_3);
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7F; // positive
    BIGNUM* serialNumber = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(cert.get()));
    BN_free(serialNumber);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
    X509_set_pubkey(cert.get(), key);

    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Limner local signer"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Limner"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    const bool extensionsAdded =
        addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
        addExtension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature") &&
        addExtension(cert.get(), &ctx, NID_ext_key_usage, "emailProtection") &&
        addExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash") &&
        addExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
    if (!extensionsAdded || X509_sign(cert.get(), key, EVP_sha256()) <= 0) {
        *error = openSslError(QStringLiteral("cannot make the signing certificate"));
        return nullptr;
    }
    return cert;
}

bool writeFile(const QString& path, const QByteArray& data, QFile::Permissions permissions,
               QString* error) {
    QFile::remove(path);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, permissions) ||
        file.write(data) != data.size() || !file.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool readFile(const QString& path, QByteArray* data, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > 1024 * 1024) {
        *error = QStringLiteral("%1 is too large for a PEM file").arg(path);
        return false;
    }
    *data = file.readAll();
    return true;
}

} // namespace

C2paSigner::C2paSigner() = default;

bool C2paSigner::isValid() const {
    return m_key && !m_chainDer.isEmpty();
}

QList<QByteArray> C2paSigner::certificateChainDer() const {
    return m_chainDer;
}

QString C2paSigner::subject() const {
    if (m_chainDer.isEmpty())
        return {};
    const auto* p = reinterpret_cast<const unsigned char*>(m_chainDer.first().constData());
    X509Ptr cert(d2i_X509(nullptr, &p, m_chainDer.first().size()));
    if (!cert)
        return {};
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert.get()), 0,
                       XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    return QString::fromUtf8(bioBytes(bio.get()));
}

QByteArray C2paSigner::publicKeyDer() const {
    if (!m_key)
        return {};
    const int size = i2d_PUBKEY(m_key.get(), nullptr);
    if (size <= 0)
        return {};
    QByteArray der(size, '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_PUBKEY(m_key.get(), &p);
    return der;
}

QByteArray C2paSigner::signEs256(const QByteArray& data, QString* error) const {
    if (!isValid()) {
        *error = QStringLiteral("no signing key");
        return {};
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t derSize = 0;
    QByteArray der;
    bool ok =
        ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, m_key.get()) == 1 &&
        EVP_DigestSign(ctx, nullptr, &derSize, reinterpret_cast<const unsigned char*>(data.constData()),
                       size_t(data.size())) == 1;
    if (ok) {
        der.resize(qsizetype(derSize));
        ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &derSize,
                            reinterpret_cast<const unsigned char*>(data.constData()),
                            size_t(data.size())) == 1;
        der.resize(qsizetype(derSize));
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        *error = openSslError(QStringLiteral("signing failed"));
        return {};
    }
    // OpenSSL gives a DER ECDSA-Sig-Value; COSE wants the fixed-width r|s.
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, der.size());
    if (!sig) {
        *error = openSslError(QStringLiteral("unreadable ECDSA signature"));
        return {};
    }
    QByteArray raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    return raw;
}

C2paSigner C2paSigner::fromPem(const QByteArray& certChainPem, const QByteArray& keyPem,
                               QString* error) {
    ERR_clear_error();
    C2paSigner signer;
    BioPtr keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr);
    if (!key) {
        *error = openSslError(QStringLiteral("the key file holds no readable PEM private key"));
        return {};
    }
    signer.m_key = sharedKey(key);
    if (!isP256(key)) {
        *error = QStringLiteral("the key is not an ECDSA P-256 key (only ES256 signing is supported)");
        return {};
    }
    BioPtr certBio(BIO_new_mem_buf(certChainPem.constData(), int(certChainPem.size())));
    X509Ptr leaf;
    while (X509* cert = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr)) {
        X509Ptr owned(cert);
        signer.m_chainDer.append(toDer(cert));
        if (!leaf)
            leaf = std::move(owned);
    }
    ERR_clear_error(); // the loop ends on "no start line"
    if (!leaf) {
        *error = QStringLiteral("the certificate file holds no readable PEM certificate");
        return {};
    }
    if (X509_check_private_key(leaf.get(), key) != 1) {
        *error = openSslError(QStringLiteral("the key does not belong to the first certificate"));
        return {};
    }
    return signer;
}

C2paSigner C2paSigner::fromPemFiles(const QString& certChainPath, const QString& keyPath,
                                    QString* error) {
    QByteArray certPem;
    QByteArray keyPem;
    if (!readFile(certChainPath, &certPem, error) || !readFile(keyPath, &keyPem, error))
        return {};
    QString detail;
    C2paSigner signer = fromPem(certPem, keyPem, &detail);
    if (!signer.isValid())
        *error = QStringLiteral("%1 / %2: %3").arg(certChainPath, keyPath, detail);
    return signer;
}

C2paSigner C2paSigner::loadOrCreate(const QString& dir, QString* error) {
    const QString keyPath = QDir(dir).filePath(QStringLiteral("key.pem"));
    const QString certPath = QDir(dir).filePath(QStringLiteral("cert.pem"));
    if (QFileInfo::exists(keyPath) && QFileInfo::exists(certPath))
        return fromPemFiles(certPath, keyPath, error);

    if (!QDir().mkpath(dir) ||
        !QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner)) {
        *error = QStringLiteral("cannot create the signing key folder %1").arg(dir);
        return {};
    }
    // Two exports on first use (the editor and limner-cli, or two CLI runs) must not each write
    // a key and leave one's key beside the other's certificate: one makes them, the others wait
    // and load what it made.
    QLockFile lock(QDir(dir).filePath(QStringLiteral(".create.lock")));
    if (!lock.tryLock(30000)) {
        *error = QStringLiteral("the signing key folder %1 is locked by another process").arg(dir);
        return {};
    }
    if (QFileInfo::exists(keyPath) && QFileInfo::exists(certPath))
        return fromPemFiles(certPath, keyPath, error);
    ERR_clear_error();
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (!key) {
        *error = openSslError(QStringLiteral("cannot create a P-256 key"));
        return {};
    }
    std::shared_ptr<EVP_PKEY> ownedKey = sharedKey(key);
    X509Ptr cert = makeSelfSignedCertificate(key, error);
    if (!cert)
        return {};
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    BioPtr certBio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(keyBio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_bio_X509(certBio.get(), cert.get()) != 1) {
        *error = openSslError(QStringLiteral("cannot encode the signing key"));
        return {};
    }
    // The certificate last: a folder with a key but no certificate is made again next time.
    if (!writeFile(keyPath, bioBytes(keyBio.get()), QFile::ReadOwner | QFile::WriteOwner, error) ||
        !writeFile(certPath, bioBytes(certBio.get()),
                   QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther, error))
        return {};
    C2paSigner signer;
    signer.m_key = ownedKey;
    signer.m_chainDer = {toDer(cert.get())};
    return signer;
}

} // namespace limner::app
