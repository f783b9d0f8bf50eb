#include "app/library/bench/FakeModelTree.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace limner::bench {

namespace {

void writeText(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(text);
}

std::int64_t dtypeSize(const char* dtype) {
    return QByteArray(dtype) == "F32" ? 4 : 2;
}

QByteArray hex(const QString& seed, int length) {
    return QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha256).toHex().left(length);
}

const QByteArray kTokenizerVocab = R"({"<|startoftext|>": 0, "<|endoftext|>": 1})";
const QByteArray kMerges = "#version: 0.2\n";
const QByteArray kScheduler = R"({"_class_name": "DDIMScheduler", "num_train_timesteps": 1000})";

} // namespace

FakeModelTree::FakeModelTree(QString root)
    : m_root(std::move(root)) {}

void FakeModelTree::writeSafetensors(const QString& path, int tensors, std::int64_t parameters,
                                     const char* dtype, const QString& namePattern,
                                     const QStringList& firstNames,
                                     const QList<QList<std::int64_t>>& firstShapes) {
    QByteArray header = R"({"__metadata__":{"format":"pt"})";
    std::int64_t offset = 0;
    std::int64_t left = parameters;
    const std::int64_t element = dtypeSize(dtype);
    for (int i = 0; i < tensors; ++i) {
        QString name;
        QList<std::int64_t> shape;
        if (i < firstNames.size()) {
            name = firstNames[i];
            shape = firstShapes.value(i);
        } else {
            name = namePattern.arg(i);
            const std::int64_t per = left / std::max(1, tensors - i);
            shape = {std::max<std::int64_t>(1, per)};
        }
        std::int64_t elements = 1;
        QByteArray dims;
        for (const std::int64_t d : shape) {
            elements *= d;
            dims += (dims.isEmpty() ? "" : ",") + QByteArray::number(qint64(d));
        }
        left -= elements;
        header += ",\"" + name.toUtf8() + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + dims +
                  "],\"data_offsets\":[" + QByteArray::number(qint64(offset)) + "," +
                  QByteArray::number(qint64(offset + elements * element)) + "]}";
        offset += elements * element;
    }
    header += "}";
    while (header.size() % 8 != 0)
        header += ' ';
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return;
    QByteArray length(8, '\0');
    for (int i = 0; i < 8; ++i)
        length[i] = char((quint64(header.size()) >> (8 * i)) & 0xff);
    file.write(length);
    file.write(header);
    file.resize(8 + header.size() + offset); // the data: a hole
}

void FakeModelTree::stableDiffusionFolder(const QString& folder) const {
    const QDir d(folder);
    writeText(d.filePath(QStringLiteral("model_index.json")),
              R"({"_class_name": "StableDiffusionInpaintPipeline", "_diffusers_version": "0.6.0",
  "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
  "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
  "vae": ["diffusers", "AutoencoderKL"], "safety_checker": ["stable_diffusion", "StableDiffusionSafetyChecker"]})");
    writeText(d.filePath(QStringLiteral("unet/config.json")),
              R"({"_class_name": "UNet2DConditionModel", "in_channels": 9, "out_channels": 4,
  "cross_attention_dim": 768, "block_out_channels": [320, 640, 1280, 1280], "layers_per_block": 2,
  "attention_head_dim": 8, "sample_size": 64})");
    writeText(
        d.filePath(QStringLiteral("vae/config.json")),
        R"({"_class_name": "AutoencoderKL", "latent_channels": 4, "block_out_channels": [128, 256, 512, 512]})");
    writeText(d.filePath(QStringLiteral("text_encoder/config.json")),
              R"({"architectures": ["CLIPTextModel"], "hidden_size": 768, "num_hidden_layers": 12})");
    writeText(d.filePath(QStringLiteral("tokenizer/vocab.json")), kTokenizerVocab);
    writeText(d.filePath(QStringLiteral("tokenizer/merges.txt")), kMerges);
    writeText(d.filePath(QStringLiteral("scheduler/scheduler_config.json")), kScheduler);
    writeSafetensors(
        d.filePath(QStringLiteral("unet/diffusion_pytorch_model.fp16.safetensors")), 686, 859'535'364,
        "F16", QStringLiteral("down_blocks.%1.attentions.0.transformer_blocks.0.attn1.to_q.weight"));
    writeSafetensors(d.filePath(QStringLiteral("vae/diffusion_pytorch_model.fp16.safetensors")), 248,
                     83'653'863, "F16",
                     QStringLiteral("decoder.up_blocks.%1.resnets.0.conv_shortcut.weight"));
    writeSafetensors(d.filePath(QStringLiteral("text_encoder/model.fp16.safetensors")), 196,
                     123'060'480, "F16",
                     QStringLiteral("text_model.encoder.layers.%1.self_attn.q_proj.weight"));
    // The pickles beside them, as in stable-diffusion-v1-5/stable-diffusion-inpainting.
    pickle(d.filePath(QStringLiteral("unet/diffusion_pytorch_model.bin")));
    pickle(d.filePath(QStringLiteral("safety_checker/pytorch_model.bin")));
}

void FakeModelTree::stableDiffusionRepo(const QString& cache, const QString& repoId) const {
    const QString source = m_root + QStringLiteral("/.staging/") + hex(repoId, 12);
    stableDiffusionFolder(source);
    moveIntoCache(source, cache, repoId);
}

void FakeModelTree::kandinskyDecoderRepo(const QString& cache, const QString& repoId,
                                         const QString& priorRepo) const {
    const QString source = m_root + QStringLiteral("/.staging/") + hex(repoId, 12);
    const QDir d(source);
    writeText(d.filePath(QStringLiteral("README.md")), "---\nlicense: apache-2.0\nprior:\n- " +
                                                           priorRepo.toUtf8() +
                                                           "\ninference: false\n---\n");
    writeText(d.filePath(QStringLiteral("model_index.json")),
              R"({"_class_name": "KandinskyV22InpaintPipeline", "movq": ["diffusers", "VQModel"],
  "scheduler": ["diffusers", "DDPMScheduler"], "unet": ["diffusers", "UNet2DConditionModel"]})");
    writeText(d.filePath(QStringLiteral("unet/config.json")),
              R"({"_class_name": "UNet2DConditionModel", "in_channels": 9, "out_channels": 8,
  "cross_attention_dim": 768, "encoder_hid_dim": 1280, "block_out_channels": [384, 768, 1152, 1536]})");
    writeText(d.filePath(QStringLiteral("movq/config.json")),
              R"({"_class_name": "VQModel", "latent_channels": 4})");
    writeText(d.filePath(QStringLiteral("scheduler/scheduler_config.json")), kScheduler);
    writeSafetensors(d.filePath(QStringLiteral("unet/diffusion_pytorch_model.safetensors")), 1054,
                     1'251'000'000, "F32",
                     QStringLiteral("up_blocks.%1.attentions.1.processor.add_k_proj.weight"));
    writeSafetensors(d.filePath(QStringLiteral("movq/diffusion_pytorch_model.safetensors")), 214,
                     67'700'000, "F32",
                     QStringLiteral("decoder.up_blocks.%1.resnets.1.norm1.norm_layer.weight"));
    moveIntoCache(source, cache, repoId);
}

void FakeModelTree::kandinskyPriorRepo(const QString& cache, const QString& repoId) const {
    const QString source = m_root + QStringLiteral("/.staging/") + hex(repoId, 12);
    const QDir d(source);
    writeText(
        d.filePath(QStringLiteral("model_index.json")),
        R"({"_class_name": "KandinskyV22PriorPipeline", "prior": ["diffusers", "PriorTransformer"],
  "text_encoder": ["transformers", "CLIPTextModelWithProjection"],
  "image_encoder": ["transformers", "CLIPVisionModelWithProjection"],
  "tokenizer": ["transformers", "CLIPTokenizer"], "scheduler": ["diffusers", "UnCLIPScheduler"]})");
    for (const char* part : {"prior", "text_encoder", "image_encoder"})
        writeText(d.filePath(QString::fromLatin1(part) + QStringLiteral("/config.json")), "{}");
    writeText(d.filePath(QStringLiteral("tokenizer/vocab.json")), kTokenizerVocab);
    writeText(d.filePath(QStringLiteral("tokenizer/merges.txt")), kMerges);
    writeText(d.filePath(QStringLiteral("scheduler/scheduler_config.json")), kScheduler);
    writeSafetensors(d.filePath(QStringLiteral("prior/diffusion_pytorch_model.safetensors")), 326,
                     1'024'000'000, "F32",
                     QStringLiteral("transformer_blocks.%1.attn1.to_out.0.weight"));
    writeSafetensors(d.filePath(QStringLiteral("text_encoder/model.safetensors")), 517, 694'000'000,
                     "F32", QStringLiteral("text_model.encoder.layers.%1.mlp.fc1.weight"));
    writeSafetensors(d.filePath(QStringLiteral("image_encoder/model.safetensors")), 521, 1'844'000'000,
                     "F16", QStringLiteral("vision_model.encoder.layers.%1.self_attn.k_proj.weight"));
    moveIntoCache(source, cache, repoId);
}

void FakeModelTree::singleFile(const QString& path) const {
    writeSafetensors(
        path, 1131, 1'066'000'000, "F16",
        QStringLiteral("model.diffusion_model.output_blocks.%1.1.transformer_blocks.0.ff.net.2.weight"),
        {QStringLiteral("model.diffusion_model.input_blocks.0.0.weight"),
         QStringLiteral(
             "model.diffusion_model.input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight")},
        {{320, 9, 3, 3}, {320, 768}});
}

void FakeModelTree::pickle(const QString& path) const {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write("\x80\x02", 2);
        file.resize(qint64(4'265'380'512));
    }
}

void FakeModelTree::moveIntoCache(const QString& source, const QString& cache,
                                  const QString& repoId) const {
    const QString repo = cache + QStringLiteral("/models--") +
                         QString(repoId).replace(QLatin1Char('/'), QStringLiteral("--"));
    const QByteArray commit = hex(repoId, 40);
    const QString snapshot = repo + QStringLiteral("/snapshots/") + QString::fromLatin1(commit);
    QDir().mkpath(repo + QStringLiteral("/blobs"));
    writeText(repo + QStringLiteral("/refs/main"), commit);
    QDirIterator it(source, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(source).relativeFilePath(path);
        const QByteArray etag = hex(repoId + relative, 64);
        const QString blob = repo + QStringLiteral("/blobs/") + QString::fromLatin1(etag);
        QFile::rename(path, blob);
        const QString link = snapshot + QLatin1Char('/') + relative;
        QDir().mkpath(QFileInfo(link).absolutePath());
        QFile::link(QDir(QFileInfo(link).absolutePath()).relativeFilePath(blob), link);
    }
    QDir(source).removeRecursively();
}

} // namespace limner::bench
