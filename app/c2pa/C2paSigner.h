#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>

struct evp_pkey_st;

namespace limner::app {

// A C2PA signing identity: an ECDSA P-256 private key and its X.509 certificate chain (leaf
// first). Signs with ES256. Copies share the key; a default-constructed signer is not valid.
//
// loadOrCreate() gives every installation its own key and self-signed certificate, shaped as
// C2PA asks of a signing certificate (v3, digitalSignature, emailProtection EKU, not a CA,
// subject and authority key identifiers). Validators report such a signer as untrusted, never
// as invalid. fromPemFiles() uses a certificate the user got from a certificate authority.
class C2paSigner {
public:
    C2paSigner();

    // Loads dir/key.pem and dir/cert.pem, creating them first when missing (the key 0600, the
    // folder 0700). Invalid signer and *error set when that fails.
    static C2paSigner loadOrCreate(const QString& dir, QString* error);
    // The chain file holds the leaf certificate first, then its issuers; the key is a P-256 key.
    static C2paSigner fromPemFiles(const QString& certChainPath, const QString& keyPath,
                                   QString* error);

    bool isValid() const;
    QList<QByteArray> certificateChainDer() const;
    QString subject() const;         // the leaf certificate's subject, one line
    QByteArray publicKeyDer() const; // SubjectPublicKeyInfo, to tell keys apart
    // An ES256 signature of `data`: r and s, 32 bytes each (the form COSE uses).
    QByteArray signEs256(const QByteArray& data, QString* error) const;

private:
    static C2paSigner fromPem(const QByteArray& certChainPem, const QByteArray& keyPem, QString* error);

    std::shared_ptr<evp_pkey_st> m_key;
    QList<QByteArray> m_chainDer;
};

} // namespace limner::app
