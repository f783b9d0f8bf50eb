#pragma once

#include <QString>

namespace limner::cli {

// `limner-cli verify FILE`: what a picture says about how it was made. Prints its Content
// Credentials (C2PA manifest: actions, models, generated regions, signer) with their validation
// state as c2pa-rs names it, and whether Limner's invisible watermark is in the pixels (which a
// metadata strip or re-compression does not remove).
//
// Exit codes: 0 = Content Credentials that validate (a self-signed signer is reported as
// untrusted, not as invalid); 5 = none in the file (the watermark line says whether the pixels
// still carry Limner's mark); 6 = Content Credentials that fail validation (the file was changed
// after signing, the signature does not match, the manifest cannot be read); 1 = the file cannot
// be read.
class VerifyCommand {
public:
    static constexpr int kExitNoCredentials = 5;
    static constexpr int kExitInvalid = 6;

    QString path;

    // Prints the report on stdout; returns the exit code (a one-line error on stderr for 1).
    int run() const;
};

} // namespace limner::cli
