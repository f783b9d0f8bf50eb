#pragma once

#include "app/c2pa/C2paReport.h"

#include <QByteArray>
#include <QList>

namespace limner::app {

// Finds the C2PA manifest store in a PNG or JPEG and validates its active manifest: the claim
// signature (COSE_Sign1, ES256) against the signing certificate, the hashes of the assertions
// the claim lists, and the hard binding (c2pa.hash.data) against the file's bytes.
//
// Built for hostile files: every length is checked against the bytes present, nesting is
// bounded, and what cannot be read gives State::Malformed with a message. Stateless; safe from
// any thread.
class C2paReader {
public:
    // trustAnchorsDer: certificates (DER) whose chains count as trusted. With none, every signer
    // is untrusted and a manifest that checks out is ValidUntrusted.
    static C2paReport read(const QByteArray& file, const QList<QByteArray>& trustAnchorsDer = {});
};

} // namespace limner::app
