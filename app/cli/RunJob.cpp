#include "app/cli/RunJob.h"

#include "app/EngineClient.h"

#include <QEventLoop>

namespace limner::cli {

std::optional<engine::InpaintResult> runJob(const engine::InpaintRequest& request, QString* failure) {
    app::EngineClient client;
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
    client.submit(request);
    loop.exec();
    return result;
}

} // namespace limner::cli
