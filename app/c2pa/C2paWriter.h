#pragma once

#include <QByteArray>
#include <QString>

namespace limner::app {

class C2paSigner;
struct C2paManifestSpec;

// Signs a C2PA 2.x manifest (claim v2, c2pa.actions.v2, a c2pa.hash.data hard binding and
// Limner's org.limner.generation assertion) and embeds it in an encoded PNG or JPEG.
//
//     QString error;
//     const C2paSigner signer = C2paSigner::loadOrCreate(keyDir, &error);
//     const QByteArray withCredentials = C2paWriter::embed(pngBytes, spec, signer, &error);
//
// Call it last, on the finished file (XMP and all): it only inserts the manifest store, and
// any later change to the file breaks the hard binding. Stateless; safe from any thread.
class C2paWriter {
public:
    // The file with the manifest store inserted; empty and *error set on failure (not PNG or
    // JPEG, an invalid spec such as c2pa.created without a digital source type, signing failed).
    static QByteArray embed(const QByteArray& encodedImage, const C2paManifestSpec& spec,
                            const C2paSigner& signer, QString* error);
};

} // namespace limner::app
