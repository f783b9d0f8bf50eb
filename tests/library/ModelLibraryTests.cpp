// The model library finds models where people keep them (hub cache, ComfyUI, A1111, their own
// folders), describes them from headers alone and says what is missing; a model it finds runs
// in place; a decoder's chosen prior is remembered.
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/Settings.h"
#include "app/library/LibraryRoots.h"
#include "app/library/ModelLibrary.h"
#include "tests/support/ModelLibraryTree.h"

#include <QDirIterator>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <iostream>
#include <sys/inotify.h>
#include <unistd.h>

using namespace limner;
using app::LibraryEntry;
using tests::ModelLibraryTree;

namespace {

// Watches folders for any file being opened (inotify IN_OPEN); lists the names opened.
class OpenWatch {
public:
    explicit OpenWatch(const QStringList& folders)
        : m_fd(inotify_init1(IN_NONBLOCK)) {
        REQUIRE(m_fd >= 0);
        for (const QString& folder : folders)
            REQUIRE(inotify_add_watch(m_fd, QFile::encodeName(folder).constData(), IN_OPEN) >= 0);
    }
    ~OpenWatch() { ::close(m_fd); }
    QStringList opened() {
        QStringList names;
        alignas(inotify_event) char buffer[1 << 16];
        for (;;) {
            const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + i);
                if (event->len > 0)
                    names << QString::fromLocal8Bit(event->name);
                i += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            }
        }
        return names;
    }

private:
    int m_fd;
};

// The caches and home of the tree, as the environment names them.
struct TreeEnvironment {
    explicit TreeEnvironment(const ModelLibraryTree& tree) {
        env.set("HF_HUB_CACHE", tree.hub);
        env.set("HF_HOME", tree.hfHome);
    }
    tests::ScopedEnvironment env;
};

app::LibraryRoots treeRoots(const ModelLibraryTree& tree) {
    app::Settings settings;
    settings.libraryFolders = {tree.mine};
    return app::LibraryRoots::fromSettings(settings, tree.home);
}

const LibraryEntry& entryNamed(const QVector<LibraryEntry>& entries, const QString& name) {
    const LibraryEntry* entry = app::ModelLibrary::find(entries, name);
    INFO(name.toStdString());
    REQUIRE(entry);
    return *entry;
}

QStringList filesUnder(const QString& root) {
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

} // namespace

TEST_CASE("The library lists the hub cache, ComfyUI, A1111 and the user's folder, each model with "
          "its status",
          "[library]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const ModelLibraryTree tree(dir.path());
    const TreeEnvironment environment(tree);
    const app::LibraryRoots roots = treeRoots(tree);
    CHECK(roots.hubCaches == QStringList({tree.hub, tree.hfHome + QStringLiteral("/diffusers")}));
    CHECK(roots.comfyUi == QStringList{tree.comfyUi}); // found at ~/ComfyUI
    CHECK(roots.webUi == QStringList{tree.webUi});     // found at ~/stable-diffusion-webui

    const QVector<LibraryEntry> entries = app::ModelLibrary(roots).scan();
    QStringList names;
    for (const LibraryEntry& entry : entries) {
        names << entry.name;
        std::cout << "library: " << entry.name.toStdString() << " | " << entry.family.toStdString()
                  << " | " << entry.parameters << " | " << entry.storedDtype.toStdString() << " | "
                  << entry.bytesOnDisk << " | " << entry.statusText().toStdString() << " | "
                  << entry.source.toStdString() << "\n";
    }
    // The A1111 checkpoint is reached twice (ComfyUI's extra path, the A1111 install): once.
    CHECK(
        names ==
        QStringList(
            {QStringLiteral("kandinsky-community/kandinsky-2-2-decoder-inpaint"),
             QStringLiteral("kandinsky-community/kandinsky-2-2-prior"),
             QStringLiteral("limner-tests/decoder-without-prior"),
             QStringLiteral("limner-tests/interrupted"), QStringLiteral("limner-tests/pickle-era"),
             QStringLiteral("limner-tests/two-snapshots"), QStringLiteral("sd-legacy/tiny-inpainting"),
             QStringLiteral("runwayml/stable-diffusion-inpainting"),
             QStringLiteral("old-inpainting.ckpt"), QStringLiteral("sd15-inpainting.safetensors"),
             QStringLiteral("sd15-text2img.safetensors"), QStringLiteral("sd-copy"),
             QStringLiteral("sd2-inpainting.safetensors"), QStringLiteral("pickled-sd")}));

    const LibraryEntry& sd = entryNamed(entries, QStringLiteral("sd-legacy/tiny-inpainting"));
    CHECK(sd.isReady());
    CHECK(sd.statusText() == QStringLiteral("ready"));
    CHECK(sd.kind == LibraryEntry::Kind::HubCacheRepo);
    CHECK(sd.source == QStringLiteral("Hugging Face cache"));
    CHECK(sd.family == QStringLiteral("Stable Diffusion"));
    CHECK(sd.storedDtype == QStringLiteral("float32"));
    CHECK(sd.parameters > 100'000);
    CHECK(sd.bytesOnDisk > 4 * sd.parameters); // the blobs behind the links, configs included
    CHECK(sd.location == tree.hub + QStringLiteral("/models--sd-legacy--tiny-inpainting"));
    CHECK(sd.snapshot == tree.sdSnapshot);
    CHECK(sd.components.size() == 3);

    const LibraryEntry& decoder =
        entryNamed(entries, QStringLiteral("kandinsky-community/kandinsky-2-2-decoder-inpaint"));
    CHECK(decoder.isReady());
    CHECK(decoder.family == QStringLiteral("Kandinsky 2.2"));
    CHECK(decoder.pairsWithPrior);
    CHECK(decoder.priorRepoWanted == QStringLiteral("kandinsky-community/kandinsky-2-2-prior"));
    CHECK(decoder.priorFolder == tree.priorSnapshot);
    CHECK_FALSE(decoder.priorRemembered);
    const LibraryEntry& prior =
        entryNamed(entries, QStringLiteral("kandinsky-community/kandinsky-2-2-prior"));
    CHECK(prior.state == LibraryEntry::State::PriorPipeline);
    CHECK(prior.statusText() ==
          QStringLiteral("a Kandinsky 2.2 prior: choose it as a decoder's prior"));
    CHECK(decoder.parameters > prior.parameters); // the pair, as it runs

    CHECK(
        entryNamed(entries, QStringLiteral("limner-tests/decoder-without-prior")).statusText() ==
        QStringLiteral("needs its prior limner-tests/missing-prior: download it or choose its folder"));
    CHECK(
        entryNamed(entries, QStringLiteral("limner-tests/interrupted")).statusText() ==
        QStringLiteral("incomplete download: 1 file missing (vae/diffusion_pytorch_model.safetensors): "
                       "download it again"));
    CHECK(entryNamed(entries, QStringLiteral("limner-tests/pickle-era")).statusText() ==
          QStringLiteral("pickle only: download the safetensors files "
                         "(unet/diffusion_pytorch_model.safetensors)"));
    // refs/main names an unfinished snapshot: the older whole one is used, by its path.
    const LibraryEntry& twoSnapshots =
        entryNamed(entries, QStringLiteral("limner-tests/two-snapshots"));
    CHECK(twoSnapshots.isReady());
    CHECK(twoSnapshots.location == tree.olderCompleteSnapshot);
    const LibraryEntry& legacy =
        entryNamed(entries, QStringLiteral("runwayml/stable-diffusion-inpainting"));
    CHECK(legacy.isReady());
    CHECK(legacy.source == QStringLiteral("diffusers cache (old)"));

    const LibraryEntry& pickle = entryNamed(entries, QStringLiteral("old-inpainting.ckpt"));
    CHECK(pickle.kind == LibraryEntry::Kind::PickleFile);
    CHECK(pickle.source == QStringLiteral("ComfyUI"));
    CHECK(pickle.statusText() ==
          QStringLiteral("pickle file: not supported (it can run code); get its .safetensors version"));
    const LibraryEntry& single = entryNamed(entries, QStringLiteral("sd15-inpainting.safetensors"));
    CHECK(single.kind == LibraryEntry::Kind::SingleFile);
    CHECK(single.family == QStringLiteral("Stable Diffusion 1.x"));
    CHECK(single.storedDtype == QStringLiteral("float16"));
    CHECK(single.parameters == 32 * 9 * 9 + 32 * 768 + 4 * 32 * 9 + 3 * 32 * 9); // no EMA
    // Recognised from the header; the engine checks the whole file when it is chosen.
    CHECK(single.isReady());
    // An ordinary (text-to-image) UNet inpaints by blending latents.
    CHECK(entryNamed(entries, QStringLiteral("sd15-text2img.safetensors")).isReady());
    CHECK(entryNamed(entries, QStringLiteral("sd-copy")).isReady());
    const LibraryEntry& sd2 = entryNamed(entries, QStringLiteral("sd2-inpainting.safetensors"));
    CHECK(sd2.family == QStringLiteral("Stable Diffusion 2.x"));
    CHECK(sd2.location ==
          tree.webUi + QStringLiteral("/models/Stable-diffusion/sd2-inpainting.safetensors"));
    CHECK(entryNamed(entries, QStringLiteral("pickled-sd")).statusText() ==
          QStringLiteral(
              "pickle only: download the safetensors files (unet/diffusion_pytorch_model.safetensors, "
              "vae/diffusion_pytorch_model.safetensors)"));
    CHECK(entryNamed(entries, QStringLiteral("pickled-sd")).source == QStringLiteral("your folder"));
}

TEST_CASE("Scanning the library never opens a pickle file", "[library]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const ModelLibraryTree tree(dir.path());
    const TreeEnvironment environment(tree);
    REQUIRE(tree.pickles.size() == 4);
    QStringList folders, names;
    for (const QString& pickle : tree.pickles) {
        REQUIRE(QFileInfo::exists(pickle));
        folders << QFileInfo(pickle).absolutePath();
        names << QFileInfo(pickle).fileName();
    }
    folders.removeDuplicates();
    OpenWatch watch(folders);
    const QVector<LibraryEntry> entries = app::ModelLibrary(treeRoots(tree)).scan();
    REQUIRE(entries.size() == 14);
    const QStringList opened = watch.opened();
    INFO(opened.join(QStringLiteral(", ")).toStdString());
    for (const QString& name : names)
        CHECK_FALSE(opened.contains(name));
    // The watch works: the scan did open the safetensors files it read.
    CHECK(opened.contains(QStringLiteral("sd15-inpainting.safetensors")));
}

TEST_CASE("A model the library finds in the hub cache runs through the engine where it is",
          "[library][models]") {
    if (!app::EngineClient::modelsSupported())
        return; // a build without libtorch runs no model
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    const ModelLibraryTree tree(dir.path());
    const TreeEnvironment environment(tree);
    const QStringList before = filesUnder(tree.root);

    const QVector<LibraryEntry> entries = app::ModelLibrary(treeRoots(tree)).scan();
    const LibraryEntry& sd = entryNamed(entries, QStringLiteral("sd-legacy/tiny-inpainting"));
    app::EngineClient client;
    REQUIRE(client.addModel(sd.location).isEmpty());
    REQUIRE(client.models().size() == 1);
    const app::ModelFolder& model = client.models().first();
    CHECK(model.folder.startsWith(tree.hub));

    QImage picture(64, 64, QImage::Format_RGB32);
    picture.fill(QColor(90, 140, 60));
    app::Document document;
    document.reset(picture);
    QImage mask = document.mask();
    mask.fill(0);
    for (int y = 20; y < 44; ++y)
        std::fill_n(mask.scanLine(y) + 20, 24, uchar(255));
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("square")));
    engine::InpaintRequest request =
        app::EngineClient::makeRequest(document, QStringLiteral("a hat"), model.backend, 7, 1);
    request.diffusion.steps = 2;
    request.diffusion.device = "cpu";
    request.diffusion.dtype = "float32";
    QSignalSpy finished(&client, &app::EngineClient::finished);
    QSignalSpy failed(&client, &app::EngineClient::failed);
    client.submit(request);
    REQUIRE((finished.wait(120000) || !failed.isEmpty()));
    INFO((failed.isEmpty() ? QString() : failed.first().at(1).toString()).toStdString());
    REQUIRE(finished.size() == 1);
    const auto result = finished.first().at(1).value<engine::InpaintResult>();
    CHECK(result.candidates.size() == 1);
    // Nothing was copied or written into the cache or next to the other models.
    CHECK(filesUnder(tree.root) == before);
}

TEST_CASE("The prior chosen for a Kandinsky decoder is remembered across a restart",
          "[library][models]") {
    QTemporaryDir dir, config;
    REQUIRE(dir.isValid());
    REQUIRE(config.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, config.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, config.path());
    QSettings().clear();
    const ModelLibraryTree tree(dir.path());
    const TreeEnvironment environment(tree);
    const QString name = QStringLiteral("limner-tests/decoder-without-prior");
    {
        const QVector<LibraryEntry> entries = app::ModelLibrary(treeRoots(tree)).scan();
        const LibraryEntry& decoder = entryNamed(entries, name);
        REQUIRE(decoder.state == LibraryEntry::State::NeedsPrior);
        app::Settings settings = app::Settings::load();
        // The user picks the prior's repo folder in the cache.
        settings.modelPriors.insert(
            decoder.pairingKey(),
            tree.hub + QStringLiteral("/models--kandinsky-community--kandinsky-2-2-prior"));
        settings.modelFolders = {decoder.location};
        settings.save();
    }
    // A restart: the settings read again, the library scanned again.
    const app::Settings settings = app::Settings::load();
    const QVector<LibraryEntry> entries =
        app::ModelLibrary(treeRoots(tree), settings.modelPriors).scan();
    const LibraryEntry& decoder = entryNamed(entries, name);
    CHECK(decoder.isReady());
    CHECK(decoder.priorRemembered);
    CHECK(decoder.priorFolder == tree.priorSnapshot);
    // The editor lists it again at startup with its prior, and it follows prompts.
    if (!app::EngineClient::modelsSupported())
        return;
    app::EngineClient client;
    client.restoreModels(settings.modelFolders, settings.modelPriors);
    REQUIRE(client.models().size() == 1);
    INFO(client.models().first().error.toStdString());
    CHECK(client.models().first().isUsable());
    CHECK(client.models().first().description.acceptsPrompt);
    CHECK(client.models().first().description.priorFolder == tree.priorSnapshot.toStdString());
}
