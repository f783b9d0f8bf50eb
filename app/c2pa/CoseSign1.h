#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace limner::app {

class C2paSigner;

// COSE_Sign1 (RFC 9052) as C2PA uses it for the claim signature: tagged (18), ES256 (alg -7)
// and the certificate chain (x5chain, label 33) in the protected header, the claim as detached
// payload, no external AAD.
class CoseSign1 {
public:
    static QByteArray sign(const QByteArray& payload, const C2paSigner& signer, QString* error);

    struct Verification {
        bool wellFormed = false;     // the COSE structure could be read
        bool signatureValid = false; // the leaf certificate's key made the signature
        QList<QByteArray> chainDer;  // from x5chain, leaf first
        QString error;
    };
    static Verification verify(const QByteArray& cose, const QByteArray& payload);
};

} // namespace limner::app
