#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <utility>

namespace limner::tests {

// Models where people keep them, made in a scratch folder from the parity fixtures' tiny models
// (for the model library's tests):
//
//   hub/                   a Hugging Face hub cache (blobs named by sha256, relative links,
//                          refs/main): sd-legacy/tiny-inpainting (ready), the Kandinsky decoder
//                          kandinsky-community/kandinsky-2-2-decoder-inpaint and its prior
//                          kandinsky-community/kandinsky-2-2-prior, a decoder whose prior is
//                          nowhere (limner-tests/decoder-without-prior), an interrupted download
//                          (a dangling link and a *.incomplete blob), a repo whose refs/main
//                          snapshot is unfinished but an older one is whole, a pickle-only repo
//   hf/diffusers/          diffusers' old cache: runwayml/stable-diffusion-inpainting
//   home/ComfyUI/          models/checkpoints (an SD 1.x inpainting single file, a text-to-image
//                          one, a .ckpt pickle), models/diffusers/sd-copy, and an
//                          extra_model_paths.yaml pointing (a `|` block) into
//   home/stable-diffusion-webui/   models/Stable-diffusion: an SD 2.x inpainting single file
//   mine/                  the user's folder: a pickle-only diffusers folder, a LoRA, a note
//
// Tiny random weights: for tests of finding and describing models, and of running them.
class ModelLibraryTree {
public:
    explicit ModelLibraryTree(const QString& root);

    QString root, hub, hfHome, home, comfyUi, webUi, mine;
    QString kandinskyDecoderSnapshot, priorSnapshot, sdSnapshot;
    QString olderCompleteSnapshot; // limner-tests/two-snapshots' whole snapshot
    QStringList pickles;           // every pickle file in the tree (blobs included)

    static QString parityDir(); // $LIMNER_PARITY_DIR, else the parity folder beside the sources
    static QString stableDiffusion() { return parityDir() + QStringLiteral("/pipeline_sd_inpaint"); }
    static QString kandinskyDecoder() {
        return parityDir() + QStringLiteral("/pipeline_kandinsky22_inpaint");
    }
    // A Kandinsky 2.2 prior pipeline folder (prior/, text_encoder/, image_encoder/ …).
    static void makePriorPipeline(const QString& folder);
    // The README of a decoder whose model card names priorRepo.
    static void writeDecoderReadme(const QString& folder, const QString& priorRepo);
    // source copied into the cache as huggingface_hub lays it out; returns the snapshot folder.
    static QString addToHubCache(const QString& cache, const QString& repoId, const QString& source,
                                 const QString& commit);
    static bool copyFolder(const QString& from, const QString& to);
    // A safetensors file of zero-filled F16 tensors with these names and shapes.
    static void writeSafetensors(const QString& path,
                                 const QList<std::pair<QString, QList<qint64>>>& tensors);
    // An LDM single file: UNet input of inChannels, cross-attention width contextWidth.
    static void writeSingleFile(const QString& path, int inChannels, int contextWidth);
    static void writeText(const QString& path, const QByteArray& text);
};

// Sets environment variables for one scope, then puts back what was there.
class ScopedEnvironment {
public:
    ScopedEnvironment() = default;
    ~ScopedEnvironment();
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
    void set(const char* name, const QString& value);

private:
    QList<std::pair<QByteArray, std::pair<bool, QByteArray>>> m_saved;
};

} // namespace limner::tests
