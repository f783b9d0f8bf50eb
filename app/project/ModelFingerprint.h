#pragma once

#include <QString>

namespace limner::app {

// The identity of a model's weights for Content Credentials: SHA-256 over the SHA-256 of each
// weight file (*.safetensors) under the model, by relative path in sorted order. Kept per
// process by path, size and modification time, so a second export pays nothing.
//
// Requirements: any thread. Guarantees: reads the files, never writes; empty for a missing
// folder or file.
class ModelFingerprint {
public:
    // "model:/path" (a backend name) or a path: the folder or single file of the model.
    static QString modelPath(const QString& backend);
    // The model's display name: its folder's or file's name ("limner-mini").
    static QString modelName(const QString& backend);
    // Hex SHA-256 as described; empty when nothing could be read.
    static QString weightsHash(const QString& backend);
};

} // namespace limner::app
