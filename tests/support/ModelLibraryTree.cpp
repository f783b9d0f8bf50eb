#include "tests/support/ModelLibraryTree.h"

#include "tests/support/KandinskyTestFolder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace limner::tests {

namespace {

QString commitOf(char c) {
    return QString(40, QLatin1Char(c));
}

} // namespace

QString ModelLibraryTree::parityDir() {
    const QByteArray env = qgetenv("LIMNER_PARITY_DIR");
    return env.isEmpty() ? QStringLiteral(LIMNER_RESOURCES_DIR "/../tests/data/parity")
                         : QString::fromLocal8Bit(env);
}

void ModelLibraryTree::writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(text);
}

bool ModelLibraryTree::copyFolder(const QString& from, const QString& to) {
    const QDir source(from);
    if (!QDir().mkpath(to))
        return false;
    for (const QFileInfo& entry :
         source.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString target = to + QLatin1Char('/') + entry.fileName();
        if (entry.isDir() ? !copyFolder(entry.filePath(), target)
                          : !QFile::copy(entry.filePath(), target))
            return false;
    }
    return true;
}

void ModelLibraryTree::makePriorPipeline(const QString& folder) {
    QDir().mkpath(folder);
    addKandinskyPrior(parityDir().toStdString(), folder.toStdString(), "");
}

void ModelLibraryTree::writeDecoderReadme(const QString& folder, const QString& priorRepo) {
    writeText(folder + QStringLiteral("/README.md"),
              "---\nlicense: apache-2.0\nprior:\n- " + priorRepo.toUtf8() +
                  "\ntags:\n- kandinsky\ninference: false\n---\n# Kandinsky 2.2 inpainting\n");
}

QString ModelLibraryTree::addToHubCache(const QString& cache, const QString& repoId,
                                        const QString& source, const QString& commit) {
    const QString repo = cache + QStringLiteral("/models--") +
                         QString(repoId).replace(QLatin1Char('/'), QStringLiteral("--"));
    const QString snapshot = repo + QStringLiteral("/snapshots/") + commit;
    QDir().mkpath(repo + QStringLiteral("/blobs"));
    writeText(repo + QStringLiteral("/refs/main"), commit.toLatin1());
    QDirIterator it(source, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile in(path);
        if (!in.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = in.readAll();
        const QString etag =
            QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
        const QString blob = repo + QStringLiteral("/blobs/") + etag;
        if (!QFileInfo::exists(blob))
            QFile::copy(path, blob);
        // snapshots/<commit>/a/b -> ../../../blobs/<etag>: relative, one ".." per folder.
        const QString link = snapshot + QLatin1Char('/') + QDir(source).relativeFilePath(path);
        const QString linkFolder = QFileInfo(link).absolutePath();
        QDir().mkpath(linkFolder);
        QFile::link(QDir(linkFolder).relativeFilePath(blob), link);
    }
    return snapshot;
}

void ModelLibraryTree::writeSafetensors(const QString& path,
                                        const QList<std::pair<QString, QList<qint64>>>& tensors) {
    QByteArray header = R"({"__metadata__":{"format":"pt"})";
    qint64 offset = 0;
    for (const auto& [name, shape] : tensors) {
        qint64 elements = 1;
        QByteArray dims;
        for (const qint64 d : shape) {
            elements *= d;
            dims += (dims.isEmpty() ? "" : ",") + QByteArray::number(d);
        }
        header += ",\"" + name.toUtf8() + "\":{\"dtype\":\"F16\",\"shape\":[" + dims +
                  "],\"data_offsets\":[" + QByteArray::number(offset) + "," +
                  QByteArray::number(offset + 2 * elements) + "]}";
        offset += 2 * elements;
    }
    header += "}";
    while (header.size() % 8 != 0)
        header += ' ';
    QByteArray bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = char((quint64(header.size()) >> (8 * i)) & 0xff);
    writeText(path, bytes + header + QByteArray(int(offset), '\0'));
}

void ModelLibraryTree::writeSingleFile(const QString& path, int inChannels, int contextWidth) {
    writeSafetensors(
        path,
        {{QStringLiteral("model.diffusion_model.input_blocks.0.0.weight"), {32, inChannels, 3, 3}},
         {QStringLiteral(
              "model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight"),
          {32, contextWidth}},
         {QStringLiteral("model.diffusion_model.out.2.weight"), {4, 32, 3, 3}},
         {QStringLiteral("first_stage_model.decoder.conv_out.weight"), {3, 32, 3, 3}},
         {QStringLiteral("model_ema.decay"), {1}}});
}

ModelLibraryTree::ModelLibraryTree(const QString& rootFolder)
    : root(rootFolder)
    , hub(rootFolder + QStringLiteral("/hub"))
    , hfHome(rootFolder + QStringLiteral("/hf"))
    , home(rootFolder + QStringLiteral("/home"))
    , comfyUi(home + QStringLiteral("/ComfyUI"))
    , webUi(home + QStringLiteral("/stable-diffusion-webui"))
    , mine(rootFolder + QStringLiteral("/mine")) {
    const QString staging = root + QStringLiteral("/staging");

    // The hub cache.
    sdSnapshot = addToHubCache(hub, QStringLiteral("sd-legacy/tiny-inpainting"), stableDiffusion(),
                               commitOf('a'));
    const QString decoder = staging + QStringLiteral("/decoder");
    copyFolder(kandinskyDecoder(), decoder);
    writeDecoderReadme(decoder, QStringLiteral("kandinsky-community/kandinsky-2-2-prior"));
    kandinskyDecoderSnapshot =
        addToHubCache(hub, QStringLiteral("kandinsky-community/kandinsky-2-2-decoder-inpaint"), decoder,
                      commitOf('d'));
    const QString prior = staging + QStringLiteral("/prior");
    makePriorPipeline(prior);
    priorSnapshot = addToHubCache(hub, QStringLiteral("kandinsky-community/kandinsky-2-2-prior"), prior,
                                  commitOf('e'));
    const QString lonely = staging + QStringLiteral("/lonely-decoder");
    copyFolder(kandinskyDecoder(), lonely);
    writeDecoderReadme(lonely, QStringLiteral("limner-tests/missing-prior"));
    addToHubCache(hub, QStringLiteral("limner-tests/decoder-without-prior"), lonely, commitOf('f'));

    // An interrupted download: the VAE's link points at a blob still being written.
    const QString interrupted = addToHubCache(hub, QStringLiteral("limner-tests/interrupted"),
                                              stableDiffusion(), commitOf('b'));
    const QString vaeLink = interrupted + QStringLiteral("/vae/diffusion_pytorch_model.safetensors");
    const QString missingBlob = QString(64, QLatin1Char('9'));
    QFile::remove(vaeLink);
    QFile::link(QStringLiteral("../../../blobs/") + missingBlob, vaeLink);
    writeText(hub + QStringLiteral("/models--limner-tests--interrupted/blobs/") + missingBlob +
                  QStringLiteral(".incomplete"),
              "partial");

    // refs/main names an unfinished snapshot; an older one is whole.
    olderCompleteSnapshot = addToHubCache(hub, QStringLiteral("limner-tests/two-snapshots"),
                                          stableDiffusion(), commitOf('1'));
    const QString newer = addToHubCache(hub, QStringLiteral("limner-tests/two-snapshots"),
                                        stableDiffusion(), commitOf('2'));
    QFile::remove(newer + QStringLiteral("/unet/diffusion_pytorch_model.safetensors"));
    QFile::link(QStringLiteral("../../../blobs/") + QString(64, QLatin1Char('8')),
                newer + QStringLiteral("/unet/diffusion_pytorch_model.safetensors"));

    // A download of the pickle era: the UNet as .bin only.
    const QString pickled = staging + QStringLiteral("/pickled");
    copyFolder(stableDiffusion(), pickled);
    QFile::remove(pickled + QStringLiteral("/unet/diffusion_pytorch_model.safetensors"));
    writeText(pickled + QStringLiteral("/unet/diffusion_pytorch_model.bin"), "\x80\x02}q\x00.");
    const QString pickledSnapshot =
        addToHubCache(hub, QStringLiteral("limner-tests/pickle-era"), pickled, commitOf('c'));
    pickles << QFileInfo(pickledSnapshot + QStringLiteral("/unet/diffusion_pytorch_model.bin"))
                   .canonicalFilePath();

    // diffusers' old cache.
    addToHubCache(hfHome + QStringLiteral("/diffusers"),
                  QStringLiteral("runwayml/stable-diffusion-inpainting"), stableDiffusion(),
                  commitOf('5'));

    // ComfyUI, with an extra path into the A1111 install (relative to base_path, which is
    // relative to the yaml file's folder).
    writeSingleFile(comfyUi + QStringLiteral("/models/checkpoints/sd15-inpainting.safetensors"), 9,
                    768);
    writeSingleFile(comfyUi + QStringLiteral("/models/checkpoints/sd15-text2img.safetensors"), 4, 768);
    writeText(comfyUi + QStringLiteral("/models/checkpoints/old-inpainting.ckpt"), "\x80\x02}q\x00.");
    pickles << QFileInfo(comfyUi + QStringLiteral("/models/checkpoints/old-inpainting.ckpt"))
                   .canonicalFilePath();
    copyFolder(stableDiffusion(), comfyUi + QStringLiteral("/models/diffusers/sd-copy"));
    writeText(comfyUi + QStringLiteral("/extra_model_paths.yaml"),
              "# the example file's A1111 block\n"
              "a111:\n"
              "    base_path: ../stable-diffusion-webui/   # A1111 beside ComfyUI\n"
              "\n"
              "    checkpoints: |\n"
              "        models/Stable-diffusion\n"
              "        models/more-checkpoints\n"
              "    vae: models/VAE\n"
              "    is_default: false\n");
    writeSingleFile(webUi + QStringLiteral("/models/Stable-diffusion/sd2-inpainting.safetensors"), 9,
                    1024);
    writeText(webUi + QStringLiteral("/webui.py"), "# A1111\n");

    // The user's folder.
    copyFolder(stableDiffusion(), mine + QStringLiteral("/pickled-sd"));
    QFile::remove(mine + QStringLiteral("/pickled-sd/unet/diffusion_pytorch_model.safetensors"));
    QFile::remove(mine + QStringLiteral("/pickled-sd/vae/diffusion_pytorch_model.safetensors"));
    writeText(mine + QStringLiteral("/pickled-sd/unet/diffusion_pytorch_model.bin"), "\x80\x02}q\x00.");
    writeText(mine + QStringLiteral("/pickled-sd/vae/diffusion_pytorch_model.bin"), "\x80\x02}q\x00.");
    pickles << QFileInfo(mine + QStringLiteral("/pickled-sd/unet/diffusion_pytorch_model.bin"))
                   .canonicalFilePath()
            << QFileInfo(mine + QStringLiteral("/pickled-sd/vae/diffusion_pytorch_model.bin"))
                   .canonicalFilePath();
    writeSafetensors(
        mine + QStringLiteral("/style-lora.safetensors"),
        {{QStringLiteral("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"), {4, 32}}});
    writeText(mine + QStringLiteral("/notes.txt"), "where my models are\n");
    QDir(staging).removeRecursively();
}

ScopedEnvironment::~ScopedEnvironment() {
    for (auto it = m_saved.rbegin(); it != m_saved.rend(); ++it) {
        if (it->second.first)
            qputenv(it->first.constData(), it->second.second);
        else
            qunsetenv(it->first.constData());
    }
}

void ScopedEnvironment::set(const char* name, const QString& value) {
    m_saved.append({QByteArray(name), {qEnvironmentVariableIsSet(name), qgetenv(name)}});
    qputenv(name, value.toLocal8Bit());
}

} // namespace limner::tests
