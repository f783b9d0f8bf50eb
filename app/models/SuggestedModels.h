#pragma once

#include <QString>
#include <QVector>

namespace limner::app {

// A model offered by name on the Models page and by `limner-cli models suggested`, with what
// Limner downloads of it: the safetensors (the variant FileSelection picks) plus configs and
// tokenizers, sizes from the hub (../shared/MODELS.md §1).
struct SuggestedModel {
    QString repoId;
    QString title;
    qint64 bytes = 0;    // this repo's download
    QString priorRepoId; // a Kandinsky decoder's prior, downloaded with it; "" for none
    qint64 priorBytes = 0;

    qint64 totalBytes() const { return bytes + priorBytes; }
};

// The inpainting models Limner runs: Kandinsky 2.2 (with its prior), SD 1.5 and SD 2 inpainting.
const QVector<SuggestedModel>& suggestedModels();

} // namespace limner::app
