#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <cstdint>

namespace limner::bench {

// Model files of real sizes without their data: each safetensors file has a header of the
// real model's tensor count and parameter total, and its data section is a hole (a sparse
// file), so a 5 GB UNet costs its ~100 KB header on disk. Configs are the real ones' keys that
// the library reads. For benchmarks of header-level scanning only: the weights are zeros.
class FakeModelTree {
public:
    explicit FakeModelTree(QString root);

    // A Stable Diffusion 1.5 inpainting folder (fp16 variant files, as the hub repo holds them).
    void stableDiffusionFolder(const QString& folder) const;
    // The same as a hub cache repo: blobs, relative links, refs/main.
    void stableDiffusionRepo(const QString& cache, const QString& repoId) const;
    // kandinsky-2-2-decoder-inpaint (its README names priorRepo) and a prior pipeline repo.
    void kandinskyDecoderRepo(const QString& cache, const QString& repoId,
                              const QString& priorRepo) const;
    void kandinskyPriorRepo(const QString& cache, const QString& repoId) const;
    // An SD 1.5 inpainting single file, as in A1111's models/Stable-diffusion.
    void singleFile(const QString& path) const;
    // A pickle checkpoint (a sparse file of real size; the library must never open it).
    void pickle(const QString& path) const;

    // A safetensors file of `tensors` tensors holding `parameters` elements of dtype ("F16",
    // "F32"); firstNames/firstShapes name the leading tensors (those a reader looks up).
    static void writeSafetensors(const QString& path, int tensors, std::int64_t parameters,
                                 const char* dtype, const QString& namePattern,
                                 const QStringList& firstNames = {},
                                 const QList<QList<std::int64_t>>& firstShapes = {});

private:
    void moveIntoCache(const QString& source, const QString& cache, const QString& repoId) const;

    QString m_root;
};

} // namespace limner::bench
