#pragma once

#include "FakeHubServer.h"

#include <QString>
#include <QStringList>
#include <functional>

namespace limner::app {
class HubDownloader;
}

namespace limner::test {

// test-org/tiny-decoder: a Kandinsky-like decoder whose README names test-org/tiny-prior, a
// 300 kB unet safetensors, an fp16-only movq, configs, and pickle and safety-checker decoys that
// must never be requested.
FakeRepo decoderRepo();
// test-org/tiny-prior: prior weights, a tokenizer file and a pickle decoy.
FakeRepo priorRepo();
constexpr const char* kDecoderUnet = "unet/diffusion_pytorch_model.safetensors";

// How a download ended.
struct DownloadOutcome {
    enum class End { Finished, Failed, Cancelled, TimedOut } end = End::TimedOut;
    QString text; // the snapshot folder or the message
    QStringList activities;
    qint64 lastDone = 0;
    qint64 lastTotal = 0;
};

// Starts downloader.download(repo, revision) and runs the event loop until it ends or timeoutMs
// pass. onProgress (optional) is called for each progress signal with the bytes done.
DownloadOutcome runDownload(app::HubDownloader& downloader, const QString& repoId,
                            const QString& revision = QStringLiteral("main"), int timeoutMs = 10000,
                            const std::function<void(qint64, const QString&)>& onProgress = {});

// Unsets the proxy variables (http_proxy …) of this process: the fake hub is on 127.0.0.x.
void clearProxyEnvironment();
extern const char* const kProxyVariables[6];

// Runs the event loop until condition() holds or timeoutMs pass; returns condition().
bool waitFor(const std::function<bool()>& condition, int timeoutMs = 5000);

} // namespace limner::test
