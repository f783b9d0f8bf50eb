#pragma once

#include "app/models/HubClient.h"

#include <QString>
#include <QVector>

namespace limner::app {

// Which files of a repo's tree Limner downloads (../shared/MODELS.md §1.7 and §3.4):
//
//  * weights: per folder, the safetensors without a variant if there are any, else the "fp16"
//    variant, else the first other variant (alphabetically); sharded files and the index of the
//    chosen variant come along. At the root of a pipeline repo (one with model_index.json) the
//    single-file checkpoints that repeat the components (512-inpainting-ema.safetensors) are left.
//  * every *.json (model_index.json, configs, scheduler and preprocessor configs, tokenizer files
//    and shard indexes of the chosen variant), merges.txt and vocab.txt, and the root README.md
//    (a Kandinsky decoder names its prior there).
//  * never pickle or other formats that are not read (.bin .ckpt .pt .pth .pkl .msgpack .h5
//    .onnx …), nothing under safety_checker/ (the pipelines do not run it: 1.2 GB saved on
//    SD 1.5), no hidden files or folders (.gitattributes, .cache/), no path that could leave the
//    snapshot folder ("..", absolute, backslashes).
class FileSelection {
public:
    // The chosen entries: small files first (the configs and README arrive before the weights),
    // then the weights, each group in tree order.
    static QVector<HubTreeEntry> select(const QVector<HubTreeEntry>& tree);

    // A path that can go under snapshots/<commit>/ as it is: relative, no "." or ".." parts.
    static bool isSafePath(const QString& path);
    // Pickle and other formats Limner never reads, by suffix.
    static bool isUnreadWeightFormat(const QString& path);
    static bool isSafetensors(const QString& path);
};

} // namespace limner::app
