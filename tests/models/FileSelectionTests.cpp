// What Limner downloads of the real repos (file lists from ../shared/MODELS.md §1), the suggested
// models' sizes, and how sizes and times read.
#include "app/models/DownloadFormat.h"
#include "app/models/FileSelection.h"
#include "app/models/SuggestedModels.h"

#include <QSet>
#include <catch2/catch.hpp>

using limner::app::FileSelection;
using limner::app::HubTreeEntry;

namespace {

QVector<HubTreeEntry> tree(const QList<QPair<QString, qint64>>& files) {
    QVector<HubTreeEntry> entries;
    for (const auto& [path, size] : files) {
        HubTreeEntry entry;
        entry.path = path;
        entry.size = size;
        if (path.endsWith(QLatin1String(".safetensors")) || path.endsWith(QLatin1String(".bin")) ||
            path.endsWith(QLatin1String(".ckpt")))
            entry.lfsSha256 = QString(64, QLatin1Char('0'));
        entries.append(entry);
    }
    return entries;
}

QSet<QString> paths(const QVector<HubTreeEntry>& entries) {
    QSet<QString> out;
    for (const HubTreeEntry& e : entries)
        out.insert(e.path);
    return out;
}

qint64 bytes(const QVector<HubTreeEntry>& entries) {
    qint64 total = 0;
    for (const HubTreeEntry& e : entries)
        total += e.size;
    return total;
}

} // namespace

TEST_CASE(
    "SD 1.5 inpainting downloads its fp16 safetensors only: no pickle, no safety checker, no ckpt",
    "[models][selection]") {
    const auto chosen = FileSelection::select(tree({
        {".gitattributes", 1750},
        {"README.md", 15000},
        {"config.json", 748},
        {"model_index.json", 548},
        {"sd-v1-5-inpainting.ckpt", 4270000000},
        {"feature_extractor/preprocessor_config.json", 342},
        {"safety_checker/config.json", 4720},
        {"safety_checker/model.fp16.safetensors", 608000000},
        {"safety_checker/pytorch_model.bin", 1220000000},
        {"scheduler/scheduler_config.json", 313},
        {"text_encoder/config.json", 617},
        {"text_encoder/pytorch_model.bin", 492000000},
        {"text_encoder/pytorch_model.fp16.bin", 246000000},
        {"text_encoder/model.fp16.safetensors", 246000000},
        {"tokenizer/merges.txt", 525000},
        {"tokenizer/vocab.json", 1060000},
        {"tokenizer/tokenizer_config.json", 806},
        {"tokenizer/special_tokens_map.json", 472},
        {"unet/config.json", 748},
        {"unet/diffusion_pytorch_model.bin", 3440000000},
        {"unet/diffusion_pytorch_model.fp16.bin", 1720000000},
        {"unet/diffusion_pytorch_model.fp16.safetensors", 1720000000},
        {"vae/config.json", 552},
        {"vae/diffusion_pytorch_model.bin", 335000000},
        {"vae/diffusion_pytorch_model.fp16.bin", 167000000},
        {"vae/diffusion_pytorch_model.fp16.safetensors", 167000000},
    }));
    CHECK(paths(chosen) ==
          QSet<QString>{"README.md", "config.json", "model_index.json",
                        "feature_extractor/preprocessor_config.json", "scheduler/scheduler_config.json",
                        "text_encoder/config.json", "text_encoder/model.fp16.safetensors",
                        "tokenizer/merges.txt", "tokenizer/vocab.json",
                        "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json",
                        "unet/config.json", "unet/diffusion_pytorch_model.fp16.safetensors",
                        "vae/config.json", "vae/diffusion_pytorch_model.fp16.safetensors"});
    // Configs and the README first, so a refused (gated) repo fails before the weights.
    CHECK(chosen.first().path == QLatin1String("README.md"));
    CHECK(FileSelection::isSafetensors(chosen.last().path));
    CHECK(limner::app::formatBytes(bytes(chosen)) == QLatin1String("2.13 GB"));
}

TEST_CASE("SD 2 inpainting downloads the fp32 safetensors, not the fp16 ones nor the root single file",
          "[models][selection]") {
    const auto chosen = FileSelection::select(tree({
        {"512-inpainting-ema.ckpt", 5210000000},
        {"512-inpainting-ema.safetensors", 5210000000},
        {"merged-leopards.png", 4960000},
        {"README.md", 13100},
        {"model_index.json", 545},
        {"feature_extractor/preprocessor_config.json", 342},
        {"scheduler/scheduler_config.json", 346},
        {"tokenizer/vocab.json", 1060000},
        {"tokenizer/merges.txt", 525000},
        {"text_encoder/config.json", 638},
        {"text_encoder/pytorch_model.bin", 1360000000},
        {"text_encoder/pytorch_model.fp16.bin", 681000000},
        {"text_encoder/model.safetensors", 1360000000},
        {"text_encoder/model.fp16.safetensors", 681000000},
        {"unet/config.json", 914},
        {"unet/diffusion_pytorch_model.bin", 3460000000},
        {"unet/diffusion_pytorch_model.fp16.bin", 1730000000},
        {"unet/diffusion_pytorch_model.safetensors", 3460000000},
        {"unet/diffusion_pytorch_model.fp16.safetensors", 1730000000},
        {"vae/config.json", 616},
        {"vae/diffusion_pytorch_model.bin", 335000000},
        {"vae/diffusion_pytorch_model.fp16.bin", 167000000},
        {"vae/diffusion_pytorch_model.safetensors", 335000000},
        {"vae/diffusion_pytorch_model.fp16.safetensors", 167000000},
    }));
    const QSet<QString> chosenPaths = paths(chosen);
    CHECK(chosenPaths.contains("unet/diffusion_pytorch_model.safetensors"));
    CHECK(chosenPaths.contains("text_encoder/model.safetensors"));
    CHECK(chosenPaths.contains("vae/diffusion_pytorch_model.safetensors"));
    for (const QString& path : chosenPaths) {
        INFO(path.toStdString());
        CHECK_FALSE(path.contains(QLatin1String("fp16")));
        CHECK_FALSE(path.contains(QLatin1String("512-inpainting")));
        CHECK_FALSE(path.endsWith(QLatin1String(".png")));
    }
    CHECK(limner::app::formatBytes(bytes(chosen)) == QLatin1String("5.16 GB"));
}

TEST_CASE(
    "A single-file repo keeps its safetensors at the root; sharded components keep index and shards",
    "[models][selection]") {
    const auto single = FileSelection::select(tree({{"sd-v1-5-inpainting.safetensors", 4270000000},
                                                    {"sd-v1-5-inpainting.ckpt", 4270000000},
                                                    {"README.md", 100}}));
    CHECK(paths(single) == QSet<QString>{"sd-v1-5-inpainting.safetensors", "README.md"});

    const auto sharded = FileSelection::select(tree({
        {"model_index.json", 600},
        {"unet/config.json", 1900},
        {"unet/diffusion_pytorch_model.safetensors.index.json", 90000},
        {"unet/diffusion_pytorch_model-00001-of-00002.safetensors", 9000000000},
        {"unet/diffusion_pytorch_model-00002-of-00002.safetensors", 1300000000},
        {"unet/diffusion_pytorch_model.safetensors.index.fp16.json", 90000},
        {"unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors", 4500000000},
        {"unet/diffusion_pytorch_model.fp16-00002-of-00002.safetensors", 600000000},
        {"text_encoder/config.json", 700},
        {"text_encoder/model.safetensors.fp16.index.json", 20000},
        {"text_encoder/model-00001-of-00002.fp16.safetensors", 700000000},
        {"text_encoder/model-00002-of-00002.fp16.safetensors", 690000000},
        {"text_encoder/pytorch_model.bin", 2780000000},
    }));
    CHECK(paths(sharded) == QSet<QString>{"model_index.json", "unet/config.json",
                                          "unet/diffusion_pytorch_model.safetensors.index.json",
                                          "unet/diffusion_pytorch_model-00001-of-00002.safetensors",
                                          "unet/diffusion_pytorch_model-00002-of-00002.safetensors",
                                          "text_encoder/config.json",
                                          "text_encoder/model.safetensors.fp16.index.json",
                                          "text_encoder/model-00001-of-00002.fp16.safetensors",
                                          "text_encoder/model-00002-of-00002.fp16.safetensors"});
}

TEST_CASE("Paths that could leave the snapshot folder, hidden files and pickle are never chosen",
          "[models][selection]") {
    const auto chosen = FileSelection::select(tree({{"../escape.json", 10},
                                                    {"/abs.json", 10},
                                                    {"unet/../../x.json", 10},
                                                    {"a\\b.json", 10},
                                                    {".cache/huggingface/download/x.json", 10},
                                                    {"unet/.hidden.json", 10},
                                                    {"model.pt", 10},
                                                    {"model.pth", 10},
                                                    {"weights.pkl", 10},
                                                    {"flax_model.msgpack", 10},
                                                    {"tf_model.h5", 10},
                                                    {"model.onnx", 10},
                                                    {"ok/config.json", 10}}));
    CHECK(paths(chosen) == QSet<QString>{"ok/config.json"});
    CHECK(FileSelection::isUnreadWeightFormat(QStringLiteral("unet/diffusion_pytorch_model.BIN")));
}

TEST_CASE("The suggested models show what Limner downloads of each", "[models][selection]") {
    const auto& models = limner::app::suggestedModels();
    REQUIRE(models.size() == 3);
    CHECK(models[0].repoId == QLatin1String("kandinsky-community/kandinsky-2-2-decoder-inpaint"));
    CHECK(models[0].priorRepoId == QLatin1String("kandinsky-community/kandinsky-2-2-prior"));
    CHECK(limner::app::formatBytes(models[0].bytes) == QLatin1String("5.28 GB"));
    CHECK(limner::app::formatBytes(models[0].priorBytes) == QLatin1String("10.6 GB"));
    CHECK(limner::app::formatBytes(models[0].totalBytes()) == QLatin1String("15.9 GB"));
    CHECK(models[1].repoId == QLatin1String("stable-diffusion-v1-5/stable-diffusion-inpainting"));
    CHECK(limner::app::formatBytes(models[1].totalBytes()) == QLatin1String("2.13 GB"));
    CHECK(models[2].repoId == QLatin1String("stabilityai/stable-diffusion-2-inpainting"));
    CHECK(limner::app::formatBytes(models[2].totalBytes()) == QLatin1String("5.16 GB"));
}

TEST_CASE("Download progress reads as bytes, rate and time left", "[models][format]") {
    CHECK(limner::app::formatBytes(512) == QLatin1String("512 B"));
    CHECK(limner::app::formatBytes(12300) == QLatin1String("12.3 kB"));
    CHECK(limner::app::formatBytes(271000000) == QLatin1String("271 MB"));
    CHECK(limner::app::formatBytes(999600) == QLatin1String("1.00 MB"));
    CHECK(limner::app::formatDuration(45) == QLatin1String("45 s"));
    CHECK(limner::app::formatDuration(7 * 60 + 10) == QLatin1String("7 min"));
    CHECK(limner::app::formatDuration(3900) == QLatin1String("1 h 05 min"));
    CHECK(limner::app::formatDuration(-1).isEmpty());
    CHECK(limner::app::formatDownloadProgress(650000000, 5280000000, 12100000, 420) ==
          QStringLiteral("650 MB of 5.28 GB · 12.1 MB/s · 7 min left"));
    CHECK(limner::app::formatDownloadProgress(0, 100, 0, -1) == QStringLiteral("0 B of 100 B"));
}
