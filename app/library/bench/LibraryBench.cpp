// Measures the model library's scan of a hundred models of real sizes (a hub cache with
// Stable Diffusion and Kandinsky repos, a ComfyUI install whose extra_model_paths.yaml points
// into an A1111 install, a folder of the user's), and what the engine's full check of one
// model (Engine::addModel: every module built on the meta device) costs beside it.
// Prints figures; asserts nothing.
//
//   limner-library-bench [--keep DIR]   (DIR: where the tree is made and left; default a temp dir)
#include "app/library/ModelLibrary.h"
#include "app/library/bench/FakeModelTree.h"
#include "engine/service/Engine.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <vector>

using namespace limner;

namespace {

QString makeTree(const QString& root, app::LibraryRoots& roots) {
    const bench::FakeModelTree tree(root);
    const QString hub = root + QStringLiteral("/hub");
    for (int i = 0; i < 41; ++i)
        tree.stableDiffusionRepo(hub, QStringLiteral("bench/sd-inpainting-%1").arg(i));
    for (int i = 0; i < 8; ++i)
        tree.kandinskyDecoderRepo(hub, QStringLiteral("bench/kandinsky-decoder-inpaint-%1").arg(i),
                                  QStringLiteral("bench/kandinsky-2-2-prior"));
    tree.kandinskyPriorRepo(hub, QStringLiteral("bench/kandinsky-2-2-prior"));

    const QString comfy = root + QStringLiteral("/ComfyUI");
    const QString webui = root + QStringLiteral("/stable-diffusion-webui");
    for (int i = 0; i < 20; ++i)
        tree.singleFile(comfy + QStringLiteral("/models/checkpoints/inpaint-%1.safetensors").arg(i));
    for (int i = 0; i < 5; ++i)
        tree.pickle(comfy + QStringLiteral("/models/checkpoints/old-%1.ckpt").arg(i));
    for (int i = 0; i < 5; ++i)
        tree.stableDiffusionFolder(comfy + QStringLiteral("/models/diffusers/sd-%1").arg(i));
    for (int i = 0; i < 10; ++i)
        tree.singleFile(webui + QStringLiteral("/models/Stable-diffusion/webui-%1.safetensors").arg(i));
    QFile yaml(comfy + QStringLiteral("/extra_model_paths.yaml"));
    if (yaml.open(QIODevice::WriteOnly))
        yaml.write("a111:\n    base_path: ../stable-diffusion-webui\n    checkpoints: "
                   "models/Stable-diffusion\n    vae: models/VAE\n");
    yaml.close();
    const QString mine = root + QStringLiteral("/my-models");
    for (int i = 0; i < 10; ++i)
        tree.stableDiffusionFolder(mine + QStringLiteral("/sd-%1").arg(i));

    roots.hubCaches = {hub};
    roots.comfyUi = {comfy};
    roots.folders = {mine};
    return root;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

void engineCheck(const char* label, const QString& folder) {
    if (!QDir(folder).exists()) {
        std::printf("engine check of %s: %s not found\n", label, qPrintable(folder));
        return;
    }
    std::vector<double> times;
    engine::Status status;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        std::string name;
        engine::ModelDescription description;
        status = engine::Engine::addModel(folder.toStdString(), name, &description);
        times.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::printf("engine check (Engine::addModel → describeModel) of %s: first %.1f ms, then median "
                "%.1f ms%s%s\n",
                label, times.front(), median({times.begin() + 1, times.end()}),
                status ? "" : " — failed: ", status ? "" : status.message().c_str());
}

} // namespace

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    QTemporaryDir temp;
    QString root = temp.path();
    const QStringList args = app.arguments();
    if (const int keep = args.indexOf(QStringLiteral("--keep")); keep >= 0 && keep + 1 < args.size()) {
        root = args[keep + 1];
        QDir(root).removeRecursively();
        QDir().mkpath(root);
    }
    app::LibraryRoots roots;
    QElapsedTimer made;
    made.start();
    makeTree(root, roots);
    std::printf("made 100 models of real sizes (sparse) in %s in %.1f s\n", qPrintable(root),
                made.elapsed() / 1000.0);

    const app::ModelLibrary library(roots);
    std::vector<double> times, cpu;
    QVector<app::LibraryEntry> entries;
    for (int i = 0; i < 6; ++i) {
        QElapsedTimer timer;
        timer.start();
        const std::clock_t cpuStart = std::clock();
        entries = library.scan();
        cpu.push_back(1000.0 * double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
        times.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::map<QString, int> states;
    qint64 parameters = 0, bytes = 0;
    for (const app::LibraryEntry& entry : entries) {
        states[entry.isReady() ? QStringLiteral("ready")
                               : entry.problem.section(QLatin1Char(':'), 0, 0)]++;
        parameters += entry.parameters;
        bytes += entry.bytesOnDisk;
    }
    std::printf("scan: %d entries (%.1f B parameters, %.0f GB on disk) — first scan %.1f ms, then "
                "median %.1f ms (%d scans); CPU time median %.1f ms\n",
                int(entries.size()), parameters / 1e9, bytes / 1e9, times.front(),
                median({times.begin() + 1, times.end()}), int(times.size() - 1), median(cpu));
    for (const auto& [state, count] : states)
        std::printf("  %3d  %s\n", count, qPrintable(state));

    std::vector<double> single;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        app::LibraryEntry entry;
        library.inspect(QStringLiteral("bench/kandinsky-decoder-inpaint-0"), entry);
        single.push_back(timer.nsecsElapsed() / 1e6);
    }
    std::printf("inspect one repo id (a Kandinsky decoder and its prior): median %.1f ms\n",
                median(single));

    if (!engine::Engine::modelsSupported()) {
        std::printf("engine check: this build has no diffusion support\n");
        return 0;
    }
    engineCheck("limner-mini (Kandinsky 2.2 decoder + prior, 23 MB)",
                QStringLiteral(LIMNER_SOURCE_DIR "/resources/models/limner-mini"));
    const QByteArray parity = qgetenv("LIMNER_PARITY_DIR");
    engineCheck("the parity fixtures' tiny Stable Diffusion",
                (parity.isEmpty() ? QStringLiteral(LIMNER_SOURCE_DIR "/tests/data/parity")
                                  : QString::fromLocal8Bit(parity)) +
                    QStringLiteral("/pipeline_sd_inpaint"));
    return 0;
}
