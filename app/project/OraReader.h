#pragma once

#include "app/ImageIO.h"
#include "app/project/ProjectSnapshot.h"
#include "app/project/ZipReader.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace limner::app {

// Reads OpenRaster files, Limner's own and those of Krita, GIMP and MyPaint: stack.xml (nested
// stacks are flattened into the layer list, their opacity and visibility carried down), one
// PNG per layer, and Limner's limner/ entries when present.
//
// Guarantees: a file is refused with a message, before any large allocation, when its archive
//   is hostile (see ZipReader), it has more layers than the limit, or the canvas or a layer is
//   larger than the decode limits (checked from the PNG header before decoding). What Limner
//   cannot show exactly (other blend modes) is kept as a warning in the snapshot, and so is a
//   staging history entry that is damaged or past the limits: it is left out, the layers open.
class OraReader {
public:
    struct Limits {
        ZipReader::Limits zip;
        qint64 decodeLimitBytes = ImageIO::kDefaultDecodeLimitBytes; // one image, RGBA bytes
        qint64 totalDecodeBytes = qint64(4) << 30;                   // all images together
        int maxLayers = 1000;
        int maxNesting = 64;
    };

    static std::optional<ProjectSnapshot> read(const QByteArray& bytes, const Limits& limits,
                                               QString* errorMessage);
};

} // namespace limner::app
