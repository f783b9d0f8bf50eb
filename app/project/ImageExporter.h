#pragma once

#include <QByteArray>
#include <QString>

namespace limner::app {

class Document;
struct ProjectSnapshot;

// Exports the flattened picture (PNG, JPEG, WebP, TIFF) with its provenance: when a trained
// model made any visible pixel, an XMP packet with the IPTC digital source type (Provenance)
// — in PNG an uncompressed iTXt "XML:com.adobe.xmp" chunk, in JPEG an APP1 segment, in WebP an
// XMP chunk, in TIFF the XMLPacket tag. Optionally a PNG "parameters" text chunk with prompt,
// seed and model, the convention other generators use.
//
// When generated pixels show, two more marks go in, so the picture can be told from a photograph
// offline: an invisible watermark in the generated region (engine/imaging/Watermark: "LMNR" and
// 16 bits naming the signing key, in the pixels, surviving re-compression and metadata strips;
// only generated pixels change, so a region under about 180 × 180 (128 whole 16-pixel cells) stays
// unmarked), and — last, after all other metadata — signed Content Credentials (C2PA 2.x, app/c2pa) in
// PNG, JPEG, WebP and TIFF: the actions (created, or opened + edited), Limner as the software agent,
// the models with their weights' hash and the generated regions, bound to the file's bytes.
//
// Guarantees: the file is written atomically (QSaveFile) and only when everything succeeded;
//   on failure *errorMessage says why and an existing file is untouched.
class ImageExporter {
public:
    struct Options {
        int quality = -1;                  // JPEG and WebP, 0..100; -1 = ImageIO's default
        bool generationParameters = false; // PNG "parameters" chunk (off by default: prompts can
                                           // be private)
        bool watermark = true;             // the invisible mark, where generated pixels show
        bool contentCredentials = true;    // the signed C2PA manifest, where generated pixels show
        // The user's own signing certificate chain and P-256 key (PEM files); empty = the key and
        // self-signed certificate Limner makes for this installation in signerFolder.
        QString signerCertificate;
        QString signerKey;
        QString signerFolder; // empty = defaultSignerFolder()
    };
    // Where the per-installation signing key lives: Limner/content-credentials in the user's
    // data folder (~/.local/share), shared by the editor and limner-cli (key.pem owner-only).
    static QString defaultSignerFolder();
    // The options as Preferences hold them (Settings: watermark, signer certificate and key).
    static Options optionsFromSettings();

    static bool exportImage(const ProjectSnapshot& snapshot, const QString& path,
                            const Options& options, QString* errorMessage);
    static bool exportImage(const Document& document, const QString& path, const Options& options,
                            QString* errorMessage);

    // The encoded file with the XMP packet embedded (exiv2), or empty with *errorMessage set.
    static QByteArray embedXmp(const QByteArray& encoded, const QByteArray& xmpPacket,
                               QString* errorMessage);
    // A PNG with a text chunk (tEXt when Latin-1 suffices, else uncompressed iTXt) after IHDR.
    static QByteArray addPngText(const QByteArray& png, const QString& keyword, const QString& text);
};

} // namespace limner::app
