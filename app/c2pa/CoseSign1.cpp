#include "app/c2pa/CoseSign1.h"

#include "app/c2pa/C2paSigner.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace limner::app {

namespace {

constexpr qint64 kHeaderAlg = 1;
constexpr qint64 kHeaderX5Chain = 33;
constexpr qint64 kAlgEs256 = -7;
constexpr quint64 kCoseSign1Tag = 18;

QByteArray sigStructure(const QByteArray& protectedHeader, const QByteArray& payload) {
    return QCborArray{QStringLiteral("Signature1"), protectedHeader, QByteArray(), payload}
        .toCborValue()
        .toCbor();
}

bool verifyEs256(const QByteArray& leafDer, const QByteArray& data, const QByteArray& rawSignature,
                 QString* error) {
    const auto* p = reinterpret_cast<const unsigned char*>(leafDer.constData());
    X509* cert = d2i_X509(nullptr, &p, leafDer.size());
    if (!cert) {
        ERR_clear_error();
        *error = QStringLiteral("the signing certificate cannot be read");
        return false;
    }
    EVP_PKEY* key = X509_get0_pubkey(cert);
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r =
        BN_bin2bn(reinterpret_cast<const unsigned char*>(rawSignature.constData()), 32, nullptr);
    BIGNUM* s =
        BN_bin2bn(reinterpret_cast<const unsigned char*>(rawSignature.constData()) + 32, 32, nullptr);
    ECDSA_SIG_set0(sig, r, s);
    unsigned char* der = nullptr;
    const int derSize = i2d_ECDSA_SIG(sig, &der);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = key && derSize > 0 && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
                    EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, der, size_t(derSize),
                                     reinterpret_cast<const unsigned char*>(data.constData()),
                                     size_t(data.size())) == 1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    X509_free(cert);
    ERR_clear_error();
    if (!ok)
        *error =
            QStringLiteral("the claim signature does not match the claim and the signing certificate");
    return ok;
}

} // namespace

QByteArray CoseSign1::sign(const QByteArray& payload, const C2paSigner& signer, QString* error) {
    const QList<QByteArray> chain = signer.certificateChainDer();
    if (chain.isEmpty()) {
        *error = QStringLiteral("the signer has no certificate");
        return {};
    }
    QCborMap protectedMap;
    protectedMap.insert(kHeaderAlg, kAlgEs256);
    if (chain.size() == 1) {
        protectedMap.insert(kHeaderX5Chain, chain.first());
    } else {
        QCborArray certs;
        for (const QByteArray& der : chain)
            certs.append(der);
        protectedMap.insert(kHeaderX5Chain, certs);
    }
    const QByteArray protectedHeader = protectedMap.toCborValue().toCbor();
    const QByteArray signature = signer.signEs256(sigStructure(protectedHeader, payload), error);
    if (signature.isEmpty())
        return {};
    const QCborArray sign1{protectedHeader, QCborMap(), QCborValue(nullptr), signature};
    return QCborValue(QCborTag(kCoseSign1Tag), sign1).toCbor();
}

CoseSign1::Verification CoseSign1::verify(const QByteArray& cose, const QByteArray& payload) {
    Verification result;
    QCborParserError parseError;
    const QCborValue value = QCborValue::fromCbor(cose, &parseError);
    if (parseError.error != QCborError::NoError || !value.isTag() ||
        value.tag() != QCborTag(kCoseSign1Tag) || !value.taggedValue().isArray()) {
        result.error = QStringLiteral("the signature is not a tagged COSE_Sign1");
        return result;
    }
    const QCborArray sign1 = value.taggedValue().toArray();
    if (sign1.size() != 4 || !sign1[0].isByteArray() || !sign1[1].isMap() || !sign1[3].isByteArray()) {
        result.error = QStringLiteral("the COSE_Sign1 structure is malformed");
        return result;
    }
    const QByteArray protectedHeader = sign1[0].toByteArray();
    const QCborValue header = QCborValue::fromCbor(protectedHeader, &parseError);
    if (parseError.error != QCborError::NoError || !header.isMap()) {
        result.error = QStringLiteral("the COSE protected header is malformed");
        return result;
    }
    const QCborMap headerMap = header.toMap();
    const QCborValue x5chain = headerMap.value(kHeaderX5Chain);
    if (x5chain.isByteArray()) {
        result.chainDer.append(x5chain.toByteArray());
    } else if (x5chain.isArray()) {
        for (const QCborValue& cert : x5chain.toArray()) {
            if (cert.isByteArray())
                result.chainDer.append(cert.toByteArray());
        }
    }
    if (result.chainDer.isEmpty()) {
        result.error = QStringLiteral("the COSE protected header has no certificate chain (x5chain)");
        return result;
    }
    result.wellFormed = true;
    if (headerMap.value(kHeaderAlg).toInteger() != kAlgEs256) {
        result.error = QStringLiteral("unsupported COSE algorithm (only ES256 is verified)");
        return result;
    }
    const QByteArray signature = sign1[3].toByteArray();
    if (signature.size() != 64) {
        result.error =
            QStringLiteral("an ES256 signature has 64 bytes, this one %1").arg(signature.size());
        return result;
    }
    result.signatureValid = verifyEs256(result.chainDer.first(), sigStructure(protectedHeader, payload),
                                        signature, &result.error);
    return result;
}

} // namespace limner::app
