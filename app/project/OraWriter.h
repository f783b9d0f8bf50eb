#pragma once

#include <QByteArray>
#include <QString>

class QIODevice;

namespace limner::app {

struct ProjectSnapshot;

// Writes an OpenRaster file (https://www.openraster.org/): "mimetype" first and stored,
// stack.xml, one straight-alpha RGBA PNG per layer under data/, mergedimage.png and
// Thumbnails/thumbnail.png, plus Limner's own entries under limner/ (project.json, the mask,
// each generated layer's pixels and blend mask, the staging history: StagingCodec) that other
// programs ignore.
//
// Requirements: any thread; the snapshot is not changed meanwhile.
class OraWriter {
public:
    enum class PngSpeed { Default, Fast }; // Fast: autosave, where time matters more than size

    static QByteArray toBytes(const ProjectSnapshot& snapshot, QString* errorMessage,
                              PngSpeed speed = PngSpeed::Default);

    static constexpr int kThumbnailSize = 256;
    static constexpr const char* kMimeType = "image/openraster";
};

} // namespace limner::app
