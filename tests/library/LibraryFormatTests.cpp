// What the library reads of other tools' files: ComfyUI's extra_model_paths.yaml, single-file
// checkpoints' headers, and damaged or disguised files (a clear status, never a crash).
#include "app/library/CheckpointClassifier.h"
#include "app/library/ExtraModelPaths.h"
#include "app/library/LibraryEntry.h"
#include "app/library/ModelLibrary.h"
#include "engine/service/Engine.h"
#include "tests/support/ModelLibraryTree.h"

#include <QDir>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

using namespace limner;
using tests::ModelLibraryTree;

TEST_CASE("extra_model_paths.yaml gives ComfyUI's extra folders per model type, relative to "
          "base_path",
          "[library]") {
    tests::ScopedEnvironment env;
    env.set("LIMNER_TEST_MODELS", QStringLiteral("/srv/models"));
    env.set("HOME", QStringLiteral("/home/ada"));
    const QString yaml =
        QStringLiteral(R"(#Rename this to extra_model_paths.yaml and ComfyUI will load it
a111:
    base_path: ../stable-diffusion-webui/   # relative to this file's folder

    checkpoints: models/Stable-diffusion
    configs: models/Stable-diffusion
    loras: |
         models/Lora
         models/LyCORIS
    upscale_models: |
                  models/ESRGAN
                  models/RealESRGAN

comfyui:
    base_path: "$LIMNER_TEST_MODELS"
    is_default: true
    checkpoints: |
        checkpoints/
        /mnt/big disk/checkpoints   # absolute stays absolute
    diffusers: ${LIMNER_TEST_MODELS}/diffusers
other_ui:
#    base_path: path/to/ui
    checkpoints: ~/checkpoints
empty_block:
)");
    const QMap<QString, QStringList> paths =
        app::ExtraModelPaths::parse(yaml, QStringLiteral("/opt/ComfyUI"));
    CHECK(paths.value(QStringLiteral("checkpoints")) ==
          QStringList({QStringLiteral("/opt/stable-diffusion-webui/models/Stable-diffusion"),
                       QStringLiteral("/srv/models/checkpoints"),
                       QStringLiteral("/mnt/big disk/checkpoints"),
                       QStringLiteral("/home/ada/checkpoints")}));
    CHECK(paths.value(QStringLiteral("loras")) ==
          QStringList({QStringLiteral("/opt/stable-diffusion-webui/models/Lora"),
                       QStringLiteral("/opt/stable-diffusion-webui/models/LyCORIS")}));
    CHECK(paths.value(QStringLiteral("upscale_models")).size() == 2);
    CHECK(paths.value(QStringLiteral("diffusers")) ==
          QStringList{QStringLiteral("/srv/models/diffusers")});
    CHECK_FALSE(paths.contains(QStringLiteral("is_default")));
    CHECK_FALSE(paths.contains(QStringLiteral("base_path")));
    // Not YAML at all: nothing, no crash.
    CHECK(app::ExtraModelPaths::parse(QStringLiteral("\x01\x02: [\n  - :"), QStringLiteral("/x"))
              .isEmpty());
}

TEST_CASE("A single-file checkpoint is recognised from its header: family and inpainting",
          "[library]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    struct Case {
        const char* file;
        int inChannels;
        int context;
        const char* family;
    };
    for (const Case c : {Case{"sd1-inpaint.safetensors", 9, 768, "Stable Diffusion 1.x"},
                         Case{"sd2-inpaint.safetensors", 9, 1024, "Stable Diffusion 2.x"},
                         Case{"sd1.safetensors", 4, 768, "Stable Diffusion 1.x"},
                         Case{"pix2pix.safetensors", 8, 768, "Stable Diffusion 1.x"}}) {
        const QString path = dir.filePath(QString::fromLatin1(c.file));
        ModelLibraryTree::writeSingleFile(path, c.inChannels, c.context);
        app::CheckpointClassifier checkpoint;
        REQUIRE(app::CheckpointClassifier::inspect(path.toStdString(), checkpoint));
        CHECK(checkpoint.familyName() == QString::fromLatin1(c.family));
        CHECK(checkpoint.unetInChannels == c.inChannels);
        CHECK(checkpoint.isInpainting() == (c.inChannels == 9));
    }
    const QString xl = dir.filePath(QStringLiteral("sdxl-inpaint.safetensors"));
    ModelLibraryTree::writeSafetensors(
        xl, {{QStringLiteral("model.diffusion_model.input_blocks.0.0.weight"), {32, 9, 3, 3}},
             {QStringLiteral("conditioner.embedders.1.model.transformer.resblocks.9.mlp.c_proj.bias"),
              {32}}});
    app::LibraryEntry entry;
    REQUIRE(app::ModelLibrary().inspect(xl, entry));
    CHECK(entry.family == QStringLiteral("Stable Diffusion XL"));
    CHECK(entry.statusText() == QStringLiteral("Stable Diffusion XL: not supported"));
    CHECK(app::CheckpointClassifier::loadable() == limner::engine::Engine::modelsSupported());
}

TEST_CASE("Damaged and disguised weight files are listed as damaged with the reason, never read "
          "further",
          "[library]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const app::ModelLibrary library;
    const auto statusOf = [&](const QString& name, const QByteArray& bytes) {
        const QString path = dir.filePath(name);
        ModelLibraryTree::writeText(path, bytes);
        app::LibraryEntry entry;
        REQUIRE(library.inspect(path, entry));
        CHECK(entry.state == app::LibraryEntry::State::Damaged);
        return entry.statusText();
    };
    CHECK(statusOf(QStringLiteral("short.safetensors"), "abc").contains(QStringLiteral("too short")));
    CHECK(statusOf(QStringLiteral("pickled.safetensors"),
                   QByteArray("\x80\x02}q\x00.", 6) + QByteArray(8, 'x'))
              .contains(QStringLiteral("pickle")));
    CHECK(statusOf(QStringLiteral("zip.safetensors"), "PK\x03\x04 and more bytes")
              .contains(QStringLiteral("zip")));
    // A header longer than the file (a truncated download).
    QByteArray huge(8, '\0');
    huge[0] = char(0xff);
    huge[1] = char(0xff);
    CHECK(statusOf(QStringLiteral("truncated.safetensors"), huge + "{}")
              .contains(QStringLiteral("download it again")));
    CHECK(statusOf(QStringLiteral("garbage.safetensors"),
                   QByteArray("\x10\0\0\0\0\0\0\0{\"a\":[1,2,3]}   ", 24))
              .startsWith(QStringLiteral("damaged:")));

    // A real safetensors file whose header length starts with the pickle opcode's byte (1 in 32
    // of them: 8-byte aligned lengths of 128, 384 …) is read, not mistaken for a pickle.
    QByteArray header =
        R"({"model.diffusion_model.input_blocks.0.0.weight":{"dtype":"F16","shape":[32,9,3,3],)"
        R"("data_offsets":[0,5184]}})";
    header += QByteArray(384 - header.size(), ' ');
    QByteArray length(8, '\0');
    length[0] = char(0x80);
    length[1] = char(0x01);
    const QString aligned = dir.filePath(QStringLiteral("length-0x180.safetensors"));
    ModelLibraryTree::writeText(aligned, length + header + QByteArray(5184, '\0'));
    app::LibraryEntry alignedEntry;
    REQUIRE(library.inspect(aligned, alignedEntry));
    CHECK(alignedEntry.family == QStringLiteral("Stable Diffusion 1.x"));
    CHECK(alignedEntry.state != app::LibraryEntry::State::Damaged);

    // A diffusers folder whose UNet header is damaged says which file.
    const QString folder = dir.filePath(QStringLiteral("sd"));
    REQUIRE(ModelLibraryTree::copyFolder(ModelLibraryTree::stableDiffusion(), folder));
    ModelLibraryTree::writeText(folder + QStringLiteral("/unet/diffusion_pytorch_model.safetensors"),
                                "12345678");
    app::LibraryEntry entry;
    REQUIRE(library.inspect(folder, entry));
    CHECK(entry.state == app::LibraryEntry::State::Damaged);
    CHECK(entry.statusText().contains(QStringLiteral("unet/diffusion_pytorch_model.safetensors")));
    // A folder that holds no model is not one.
    CHECK_FALSE(library.inspect(dir.filePath(QStringLiteral("sd/scheduler")), entry));
}
