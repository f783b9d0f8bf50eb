#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

namespace limner::app {

// ComfyUI's extra_model_paths.yaml, which points ComfyUI at model folders elsewhere (an A1111
// install, a shared store). Only the YAML it uses is read: top-level blocks, each with an
// optional base_path and per-type keys holding one path or several (a `|` block, one a line):
//
//     a111:
//         base_path: ~/stable-diffusion-webui/   # "~", $VAR and ${VAR} expanded
//         checkpoints: models/Stable-diffusion   # relative to base_path
//         loras: |
//             models/Lora
//             models/LyCORIS
//
// A relative base_path is relative to the file's folder, as ComfyUI reads it.
class ExtraModelPaths {
public:
    // Absolute folders by model type ("checkpoints", "diffusers", "vae" …), in file order.
    static QMap<QString, QStringList> parse(const QString& text, const QString& fileFolder);
    // parse() of a file; empty when it cannot be read.
    static QMap<QString, QStringList> read(const QString& path);
};

} // namespace limner::app
