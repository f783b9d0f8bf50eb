#pragma once

#include "app/StagingEntry.h"

#include <QByteArray>
#include <QImage>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace limner::app {

// A staging history entry as it is kept in a project: its prompts, seed, backend and settings as
// one JSON object in limner/project.json, its images (the mask, each candidate's layer and
// generated pixels, the user's mask of the region) as PNGs under limner/staging/entry-<n>/.
// The JSON names each image with its channel count, so the pixels come back bit-identical.
//
// Requirements: any thread.
// Guarantees: decode() checks every value it reads (sizes, offsets, counts, the images' sizes
//   against the region) and returns nothing with a message rather than an entry that other code
//   could trip over.
class StagingCodec {
public:
    static constexpr int kMaxCandidates = 64; // per entry; the editor makes at most 8
    static constexpr int kMaxCoordinate = 1 << 20;
    static constexpr int kMaxPromptLength = 100000;

    struct Encoded {
        QJsonObject json;
        std::vector<std::pair<QString, QByteArray>> files; // archive name → PNG bytes
    };
    // Turns an image into PNG bytes (empty on failure): the writer's own encoder and speed.
    using PngEncoder = std::function<QByteArray(const QImage&)>;
    // Reads and decodes an archive entry, within the reader's limits; nothing with *error set.
    using PngLoader = std::function<std::optional<QImage>(const QString& name, QString* error)>;

    // position: the entry's place in the history, which names its folder (ids could repeat in
    // a history read from a damaged file; places cannot).
    static std::optional<Encoded> encode(const StagingEntry& entry, int position,
                                         const PngEncoder& encodePng, QString* errorMessage);
    static std::optional<StagingEntry> decode(const QJsonObject& json, const PngLoader& loadPng,
                                              QString* errorMessage);

    static QString folderFor(int position); // "limner/staging/entry-<position>/"
};

} // namespace limner::app
