#include "ModelTestSupport.h"

#include "app/models/HubDownloader.h"

#include <QCryptographicHash>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QTimer>

namespace limner::test {

namespace {

QByteArray randomBytes(int size, quint32 seed) {
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        bytes[i] = char(generator.bounded(256));
    return bytes;
}

QString commitOf(const QString& id) {
    return QString::fromLatin1(QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha1).toHex());
}

} // namespace

FakeRepo decoderRepo() {
    FakeRepo repo;
    repo.id = QStringLiteral("test-org/tiny-decoder");
    repo.commit = commitOf(repo.id);
    repo.files.insert(
        QStringLiteral("README.md"),
        "---\nlicense: apache-2.0\nprior:\n- test-org/tiny-prior\ntags:\n- kandinsky\n---\n"
        "# A tiny decoder\n");
    repo.files.insert(
        QStringLiteral("model_index.json"),
        R"({"_class_name": "KandinskyV22InpaintPipeline", "movq": ["diffusers", "VQModel"],)"
        R"( "scheduler": ["diffusers", "DDPMScheduler"], "unet": ["diffusers", "UNet2DConditionModel"]})");
    repo.files.insert(QStringLiteral("scheduler/scheduler_config.json"),
                      R"({"_class_name": "DDPMScheduler"})");
    repo.files.insert(QStringLiteral("unet/config.json"),
                      R"({"_class_name": "UNet2DConditionModel", "in_channels": 9})");
    repo.files.insert(QString::fromLatin1(kDecoderUnet), randomBytes(300 * 1000, 1));
    repo.files.insert(QStringLiteral("unet/diffusion_pytorch_model.bin"), randomBytes(2000, 2));
    repo.files.insert(QStringLiteral("movq/config.json"), R"({"_class_name": "VQModel"})");
    repo.files.insert(QStringLiteral("movq/diffusion_pytorch_model.fp16.safetensors"),
                      randomBytes(40 * 1000, 3));
    repo.files.insert(QStringLiteral("movq/diffusion_pytorch_model.fp16.bin"), randomBytes(1000, 4));
    repo.files.insert(QStringLiteral("safety_checker/config.json"),
                      R"({"_class_name": "StableDiffusionSafetyChecker"})");
    repo.files.insert(QStringLiteral("safety_checker/model.safetensors"), randomBytes(5000, 5));
    repo.files.insert(QStringLiteral("tiny-inpainting.ckpt"), randomBytes(3000, 6));
    return repo;
}

FakeRepo priorRepo() {
    FakeRepo repo;
    repo.id = QStringLiteral("test-org/tiny-prior");
    repo.commit = commitOf(repo.id);
    repo.files.insert(QStringLiteral("model_index.json"),
                      R"({"_class_name": "KandinskyV22PriorPipeline"})");
    repo.files.insert(QStringLiteral("prior/config.json"), R"({"_class_name": "PriorTransformer"})");
    repo.files.insert(QStringLiteral("prior/diffusion_pytorch_model.safetensors"),
                      randomBytes(50 * 1000, 7));
    repo.files.insert(QStringLiteral("text_encoder/pytorch_model.bin"), randomBytes(1000, 8));
    repo.files.insert(QStringLiteral("tokenizer/vocab.json"), R"({"a": 0, "b": 1})");
    return repo;
}

DownloadOutcome runDownload(app::HubDownloader& downloader, const QString& repoId,
                            const QString& revision, int timeoutMs,
                            const std::function<void(qint64, const QString&)>& onProgress) {
    DownloadOutcome outcome;
    QEventLoop loop;
    QObject context;
    QObject::connect(&downloader, &app::HubDownloader::progress, &context,
                     [&](qint64 done, qint64 total, double, double, const QString& activity) {
                         outcome.activities.append(activity);
                         outcome.lastDone = done;
                         outcome.lastTotal = total;
                         if (onProgress)
                             onProgress(done, activity);
                     });
    QObject::connect(&downloader, &app::HubDownloader::finished, &context, [&](const QString& folder) {
        outcome.end = DownloadOutcome::End::Finished;
        outcome.text = folder;
        loop.quit();
    });
    QObject::connect(&downloader, &app::HubDownloader::failed, &context, [&](const QString& message) {
        outcome.end = DownloadOutcome::End::Failed;
        outcome.text = message;
        loop.quit();
    });
    QObject::connect(&downloader, &app::HubDownloader::cancelled, &context, [&] {
        outcome.end = DownloadOutcome::End::Cancelled;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &context, [&] { loop.quit(); });
    if (!downloader.download(repoId, revision))
        return outcome;
    loop.exec();
    QObject::disconnect(&downloader, nullptr, &context, nullptr);
    if (outcome.end == DownloadOutcome::End::TimedOut)
        downloader.cancel();
    return outcome;
}

const char* const kProxyVariables[6] = {"http_proxy", "https_proxy", "all_proxy",
                                        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"};

void clearProxyEnvironment() {
    for (const char* name : kProxyVariables)
        qunsetenv(name);
}

bool waitFor(const std::function<bool()>& condition, int timeoutMs) {
    if (condition())
        return true;
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (condition())
            loop.quit();
    });
    poll.start(10);
    QTimer::singleShot(timeoutMs, &loop, [&] { loop.quit(); });
    loop.exec();
    return condition();
}

} // namespace limner::test
