#pragma once

#include <QString>
#include <QStringList>

namespace limner::app {

struct Settings;

// Where the model library looks. Every list holds absolute folders; a folder that does not
// exist is skipped when scanning, never an error.
struct LibraryRoots {
    QStringList hubCaches; // Hugging Face hub caches (models--ORG--NAME/…), the old diffusers one too
    QStringList
        comfyUi;       // ComfyUI installs: models/checkpoints, models/diffusers, extra_model_paths.yaml
    QStringList webUi; // A1111 / Forge installs: models/Stable-diffusion
    QStringList folders; // the user's own: a model folder, or a folder of models

    // The hub cache huggingface_hub uses (HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub,
    // ~/.cache/huggingface/hub), the diffusers ≤ 0.13 cache (HF_HOME/diffusers), and the
    // installs found at their usual places under home: ~/ComfyUI, ~/comfy/ComfyUI,
    // ~/stable-diffusion-webui, ~/stable-diffusion-webui-forge.
    static LibraryRoots standard(const QString& home);
    // standard(home) plus the folders the user added in Preferences ▸ Models.
    static LibraryRoots fromSettings(const Settings& settings, const QString& home);

    // What kind of install a folder the user picked is: "ComfyUI", "A1111/Forge" or "".
    static QString installKind(const QString& folder);
};

} // namespace limner::app
