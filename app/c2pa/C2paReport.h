#pragma once

#include "app/c2pa/C2paManifestSpec.h"

#include <QStringList>

namespace limner::app {

// What C2paReader found in a file: the verdict, the C2PA status codes behind it (the names
// c2pa-rs uses, e.g. "assertion.dataHash.match", "signingCredential.untrusted") and the
// manifest's content as far as it could be read.
struct C2paReport {
    enum class State {
        NoManifest,       // no C2PA manifest store in the file
        Valid,            // signature, assertions and hard binding check out; signer trusted
        ValidUntrusted,   // as Valid, but the signer is not in the trust list (self-signed)
        HashMismatch,     // the file's bytes or an assertion changed after signing
        SignatureInvalid, // the claim was changed or the signature is not the signer's
        Malformed         // the manifest store cannot be read; message says why
    };

    State state = State::NoManifest;
    QStringList statusCodes;
    QString message; // why Malformed (or another failure), for people

    QString manifestLabel;
    QString title;
    C2paSoftwareAgent claimGenerator;
    QList<C2paAction> actions;
    QList<C2paModel> models;
    QList<QRect> generatedRegions;
    QString signerSubject; // the signing certificate's subject, one line

    // A multi-line description of the manifest and the verdict, for people.
    QString text() const;
    static QString stateName(State state);
};

} // namespace limner::app
