// limner-cli models list | scan | info, and --model given as a repo id in the cache, a library
// name or a single file, run as a user would.
#include "app/Settings.h"
#include "tests/support/ModelLibraryTree.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QImage>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <iostream>

using limner::tests::ModelLibraryTree;

namespace {

struct Run {
    int exitCode = -1;
    QString out, err;
};

// limner-cli in the tree's world: its caches, its home (ComfyUI, A1111), its editor settings.
Run runCli(const ModelLibraryTree& tree, const QString& config, const QStringList& arguments) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HF_HUB_CACHE"), tree.hub);
    env.insert(QStringLiteral("HF_HOME"), tree.hfHome);
    env.insert(QStringLiteral("HOME"), tree.home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config);
    // Where exports keep their Content Credentials key: not inside the fake home of the model tree,
    // whose files the tests count.
    env.insert(QStringLiteral("XDG_DATA_HOME"), config + QStringLiteral("/data"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(LIMNER_CLI_PATH), arguments);
    REQUIRE(process.waitForFinished(300000));
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

// The line of `models list` that names an entry.
QString lineOf(const QString& listing, const QString& name) {
    for (const QString& line : listing.split(QLatin1Char('\n'))) {
        if (line.startsWith(name + QLatin1Char(' ')))
            return line;
    }
    return {};
}

// Saves the editor's settings (org Limner, app Limner) where limner-cli will read them.
void saveEditorSettings(const QString& config, const limner::app::Settings& settings) {
    const QString organization = QCoreApplication::organizationName();
    const QString application = QCoreApplication::applicationName();
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, config);
    QCoreApplication::setOrganizationName(QStringLiteral("Limner"));
    QCoreApplication::setApplicationName(QStringLiteral("Limner"));
    settings.save();
    QSettings().sync();
    QCoreApplication::setOrganizationName(organization);
    QCoreApplication::setApplicationName(application);
}

QStringList inpaintArgs(const QString& model, const QString& mask, const QString& out) {
    return {QStringLiteral("inpaint"),
            QStringLiteral("--image"),
            QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png"),
            QStringLiteral("--mask"),
            mask,
            QStringLiteral("--out"),
            out,
            QStringLiteral("--model"),
            model,
            QStringLiteral("--steps"),
            QStringLiteral("2"),
            QStringLiteral("--prompt"),
            QStringLiteral("a hat"),
            QStringLiteral("--device"),
            QStringLiteral("cpu")};
}

QString writeMask(const QString& folder) {
    const QImage coffee(QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png"));
    QImage mask(coffee.size(), QImage::Format_Grayscale8);
    mask.fill(0);
    for (int y = 40; y < 80; ++y)
        std::fill_n(mask.scanLine(y) + 60, 40, uchar(255));
    const QString path = folder + QStringLiteral("/mask.png");
    REQUIRE(mask.save(path));
    return path;
}

int fileCount(const QString& root) {
    int n = 0;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("limner-cli models list, scan and info show the library with each model's status",
          "[library][cli]") {
    QTemporaryDir dir, config;
    REQUIRE(dir.isValid());
    const ModelLibraryTree tree(dir.path());
    limner::app::Settings settings;
    settings.libraryFolders = {tree.mine};
    saveEditorSettings(config.path(), settings);

    const Run list = runCli(tree, config.path(), {QStringLiteral("models"), QStringLiteral("list")});
    INFO(list.err.toStdString());
    std::cout << list.out.toStdString();
    REQUIRE(list.exitCode == 0);
    CHECK(list.out.startsWith(QStringLiteral("NAME")));
    CHECK(list.out.count(QLatin1Char('\n')) == 15); // the header and 14 models
    const QString sd = lineOf(list.out, QStringLiteral("sd-legacy/tiny-inpainting"));
    CHECK(sd.contains(QStringLiteral("Stable Diffusion")));
    CHECK(sd.contains(QStringLiteral("float32")));
    CHECK(sd.contains(QStringLiteral("  ready  (Hugging Face cache: ") + tree.hub));
    CHECK(lineOf(list.out, QStringLiteral("limner-tests/interrupted"))
              .contains(QStringLiteral("incomplete download: 1 file missing")));
    CHECK(lineOf(list.out, QStringLiteral("old-inpainting.ckpt"))
              .contains(QStringLiteral("pickle file: not supported")));
    CHECK(lineOf(list.out, QStringLiteral("pickled-sd"))
              .contains(QStringLiteral("pickle only: download the safetensors files")));
    CHECK(lineOf(list.out, QStringLiteral("limner-tests/decoder-without-prior"))
              .contains(QStringLiteral("needs its prior limner-tests/missing-prior")));

    // One folder: the ComfyUI install, with the A1111 checkpoint its extra path names.
    const Run scan =
        runCli(tree, config.path(), {QStringLiteral("models"), QStringLiteral("scan"), tree.comfyUi});
    REQUIRE(scan.exitCode == 0);
    CHECK(scan.out.count(QLatin1Char('\n')) == 6);
    CHECK(lineOf(scan.out, QStringLiteral("sd2-inpainting.safetensors"))
              .contains(QStringLiteral("ready")));
    CHECK(lineOf(scan.out, QStringLiteral("sd-legacy/tiny-inpainting")).isEmpty());

    // A decoder in full: its parts, its prior from the cache, the engine's own check.
    const Run info = runCli(tree, config.path(),
                            {QStringLiteral("models"), QStringLiteral("info"),
                             QStringLiteral("kandinsky-community/kandinsky-2-2-decoder-inpaint")});
    INFO(info.err.toStdString());
    std::cout << info.out.toStdString();
    CHECK(info.out.contains(QStringLiteral("family:      Kandinsky 2.2")));
    CHECK(info.out.contains(QStringLiteral("prior:       ") + tree.priorSnapshot));
    CHECK(info.out.contains(QStringLiteral("prior:image_encoder")));
    CHECK(info.out.contains(QStringLiteral("unet/diffusion_pytorch_model.safetensors")));
    CHECK(info.out.contains(QStringLiteral("status:      ready")));
    const bool ml = !info.out.contains(QStringLiteral("no diffusion support"));
    if (ml) {
        CHECK(info.out.contains(QStringLiteral("engine:      loads as Kandinsky 2.2")));
        CHECK(info.exitCode == 0);
    }
}

TEST_CASE("limner-cli inpaint --model takes a repo id in the cache and a library name, and runs "
          "them where they are",
          "[library][cli][models]") {
    QTemporaryDir dir, config, out;
    REQUIRE(dir.isValid());
    const ModelLibraryTree tree(dir.path());
    const QString mask = writeMask(out.path());
    const QString decoderKey =
        tree.hub + QStringLiteral("/models--limner-tests--decoder-without-prior");
    limner::app::Settings settings;
    // The prior the user chose for this decoder in Preferences ▸ Models.
    settings.modelPriors.insert(decoderKey, tree.priorSnapshot);
    saveEditorSettings(config.path(), settings);
    const int filesBefore = fileCount(tree.root);

    const QString sdOut = out.filePath(QStringLiteral("sd.png"));
    const Run sd = runCli(tree, config.path(),
                          inpaintArgs(QStringLiteral("sd-legacy/tiny-inpainting"), mask, sdOut));
    INFO(sd.err.toStdString());
    if (sd.err.contains(QStringLiteral("no diffusion support")))
        return; // a build without libtorch
    CHECK(sd.exitCode == 0);
    CHECK(QImage(sdOut).size() == QImage(QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png")).size());

    // A library name (here a repo id too) of a decoder paired with the prior the user chose.
    const QString kandinskyOut = out.filePath(QStringLiteral("kandinsky.png"));
    const Run kandinsky =
        runCli(tree, config.path(),
               inpaintArgs(QStringLiteral("limner-tests/decoder-without-prior"), mask, kandinskyOut));
    INFO(kandinsky.err.toStdString());
    CHECK(kandinsky.exitCode == 0);
    CHECK(QFileInfo::exists(kandinskyOut));
    CHECK(fileCount(tree.root) == filesBefore); // nothing copied into or beside the models

    // A single file is taken by its library name and checked in full by the engine: this one
    // holds a UNet's first layers only, and is refused in one line saying what is missing.
    const Run single = runCli(tree, config.path(),
                              inpaintArgs(QStringLiteral("sd15-inpainting.safetensors"), mask,
                                          out.filePath(QStringLiteral("single.png"))));
    INFO(single.err.toStdString());
    CHECK(single.exitCode == 1);
    CHECK(single.err.trimmed().count(QLatin1Char('\n')) == 0);
    CHECK(single.err.contains(QStringLiteral("sd15-inpainting.safetensors")));
    CHECK_FALSE(QFileInfo::exists(out.filePath(QStringLiteral("single.png"))));
}
