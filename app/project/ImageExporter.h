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
// Guarantees: the file is written atomically (QSaveFile) and only when everything succeeded;
//   on failure *errorMessage says why and an existing file is untouched.
class ImageExporter {
public:
    struct Options {
        int quality = -1;                  // JPEG and WebP, 0..100; -1 = ImageIO's default
        bool generationParameters = false; // PNG "parameters" chunk (off by default: prompts can
                                           // be private)
    };

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
