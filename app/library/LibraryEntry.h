#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace limner::app {

// One model the library found where a person keeps it (a hub cache, ComfyUI, A1111/Forge, a
// folder of their own), described from its configs and safetensors headers alone: what it is,
// where it lives and whether Limner can run it, or what is missing and how to fix that.
struct LibraryEntry {
    enum class Kind {
        DiffusersFolder, // a folder in the diffusers layout
        HubCacheRepo,    // models--ORG--NAME in a Hugging Face (or old diffusers) cache
        SingleFile,      // one .safetensors checkpoint (A1111 / ComfyUI / Civitai)
        PickleFile,      // .ckpt / .pt / .pth / .bin / .pkl: listed, never opened
    };
    enum class State {
        Ready,         // can be used as it is
        NeedsPrior,    // a Kandinsky 2.2 decoder whose prior pipeline is not at hand
        PriorPipeline, // a Kandinsky 2.2 prior: the partner of a decoder, not a model alone
        Incomplete,    // files missing: an unfinished download, a link into blobs/ left dangling
        PickleOnly,    // weights only as pickle files, which Limner never opens
        NotInpainting, // a text-to-image model (its UNet takes no mask)
        NotSupported,  // a family or a format Limner does not run (yet)
        Damaged,       // a config or safetensors header that cannot be read
    };
    // A part with weights (unet, vae, prior: …), as its headers describe it.
    struct Component {
        QString name;      // "unet"; a paired prior's parts are "prior:prior", "prior:text_encoder" …
        QStringList files; // the weight files chosen, relative to the model folder
        qint64 parameters = 0;
        QString storedDtype;
        qint64 bytes = 0;
    };

    QString name;     // the repo id for cache entries, else the folder or file name
    QString location; // what Use and --model take: a folder, a cache repo folder or snapshot, a file
    QString source;   // where it was found: "Hugging Face cache", "ComfyUI", "A1111/Forge" …
    Kind kind = Kind::DiffusersFolder;
    QString repoId;        // cache entries: ORG/NAME
    QString snapshot;      // cache entries: the snapshot folder read
    QString family;        // "Stable Diffusion 1.x", "Kandinsky 2.2", "Kandinsky 2.2 prior" … or ""
    qint64 parameters = 0; // every floating-point tensor, the paired prior's included
    QString storedDtype;   // "float16", "float32", "bfloat16", or "float16 + float32" when mixed
    qint64 bytesOnDisk = 0;
    State state = State::Ready;
    QString problem;             // one line, what is missing and how to fix it; empty when Ready
    bool pairsWithPrior = false; // a Kandinsky 2.2 decoder without a prior of its own
    QString priorRepoWanted;     // the prior its model card names
    QString priorFolder; // the prior pipeline it runs with, when it lives in a folder of its own
    bool priorRemembered = false; // priorFolder is the one the user chose (Choose prior…)
    QVector<Component> components;

    bool isReady() const { return state == State::Ready; }
    // "ready", or the problem.
    QString statusText() const;
    // "diffusers folder", "hub cache repo", "single-file checkpoint", "pickle file".
    QString kindText() const;
    // What a remembered prior pairing is filed under: the cache repo folder for cache entries
    // (it outlives snapshot updates), the location otherwise.
    QString pairingKey() const;

    // "1.2 B", "3.4 M", "870.0 K"; "–" for none.
    static QString parametersText(qint64 parameters);
    // "5.0 GB" (the locale's data size: decimal units).
    static QString bytesText(qint64 bytes);
};

} // namespace limner::app
