#pragma once

#include "app/library/LibraryEntry.h"
#include "app/library/LibraryRoots.h"

#include <QMap>
#include <QString>
#include <QVector>

namespace limner::app {

// Every model Limner can see where people keep them, without copying anything: the Hugging
// Face hub cache (and diffusers' old cache), ComfyUI (models/checkpoints, models/diffusers and
// the folders its extra_model_paths.yaml names), A1111 / Forge (models/Stable-diffusion), and
// folders the user added. Each is described from headers alone (ModelProbe): family,
// parameters, precision, size, and "ready" or what is missing and how to fix it.
//
//     ModelLibrary library(LibraryRoots::fromSettings(settings, QDir::homePath()),
//                          settings.modelPriors);
//     for (const LibraryEntry& entry : library.scan()) …
//
// A cache repo is read at the snapshot refs/main names, else at its newest complete snapshot.
// A Kandinsky decoder is paired with the prior the user chose for it (priors, by
// LibraryEntry::pairingKey()), else with the prior repo its model card names when a scanned
// cache holds it.
// Guarantees: never reads tensor data and never opens a pickle; a root that does not exist is
// skipped; the same file or folder reached twice (a symlink, an extra path into A1111) is
// listed once. Thread safety: const members may run on any thread at the same time.
class ModelLibrary {
public:
    explicit ModelLibrary(LibraryRoots roots = {}, QMap<QString, QString> priors = {});

    const LibraryRoots& roots() const { return m_roots; }
    QVector<LibraryEntry> scan() const;
    // One model as a user names it: a folder, a cache repo folder or snapshot, a single file,
    // or a repo id "ORG/NAME[@REV]" in one of the roots' caches. False when it is none of those
    // (or a folder that holds no model).
    bool inspect(const QString& location, LibraryEntry& out) const;
    // What a user means by a model name: inspect(text), else the scanned entry find() gives.
    bool lookup(const QString& text, LibraryEntry& out) const;
    // The entry a user means by text: its name (a repo id for cache entries), its location, or
    // its snapshot. nullptr when none matches.
    static const LibraryEntry* find(const QVector<LibraryEntry>& entries, const QString& text);
    // "ORG/NAME" or "ORG/NAME@REV", as the hub names repos.
    static bool isRepoId(const QString& text);

private:
    void pairPriors(QVector<LibraryEntry>& entries) const;

    LibraryRoots m_roots;
    QMap<QString, QString> m_priors;
};

} // namespace limner::app
