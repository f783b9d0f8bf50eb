#include "app/cli/RunJob.h"

#include "app/EngineClient.h"

#include <QEventLoop>
#include <cstdio>
#include <unistd.h>

namespace limner::cli {

std::optional<engine::InpaintResult> runJob(const engine::InpaintRequest& request, QString* failure) {
    app::EngineClient client;
    return runJob(client, request, failure);
}

std::optional<engine::InpaintResult> runJob(app::EngineClient& client,
                                            const engine::InpaintRequest& request, QString* failure) {
    QEventLoop loop;
    std::optional<engine::InpaintResult> result;
    QObject::connect(&client, &app::EngineClient::finished, &loop,
                     [&](quint64, const engine::InpaintResult& r) {
                         result = r;
                         loop.quit();
                     });
    QObject::connect(&client, &app::EngineClient::failed, &loop, [&](quint64, const QString& message) {
        if (failure)
            *failure = message;
        loop.quit();
    });
    // On a terminal, a line that counts the steps (diffusion jobs take minutes on a CPU).
    const bool terminal = isatty(fileno(stderr)) != 0;
    if (terminal) {
        QObject::connect(&client, &app::EngineClient::progressed, &loop,
                         [](quint64, int step, int total) {
                             std::fprintf(stderr, "\rlimner-cli: step %d of %d", step, total);
                             std::fflush(stderr);
                         });
    }
    client.submit(request);
    loop.exec();
    if (terminal)
        std::fprintf(stderr, "\n");
    return result;
}

} // namespace limner::cli
