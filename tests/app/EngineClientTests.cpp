#include "app/Document.h"
#include "app/EngineClient.h"
#include "tests/app/TestImages.h"

#include <QEventLoop>
#include <QPainter>
#include <QThread>
#include <QTimer>
#include <catch2/catch.hpp>
#include <map>
#include <optional>

using limner::app::Document;
using limner::app::EngineClient;
namespace engine = limner::engine;

namespace {

struct Outcome {
    std::optional<engine::InpaintResult> result;
    QString failure;
    bool onGuiThread = true;
};

// Collects the outcome of every job until `count` jobs have ended (or 60 s have passed).
std::map<quint64, Outcome> waitForJobs(EngineClient& client, std::size_t count,
                                       int* progressSignals = nullptr) {
    std::map<quint64, Outcome> outcomes;
    QEventLoop loop;
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    const QThread* gui = QThread::currentThread();
    auto done = [&] {
        if (outcomes.size() == count)
            loop.quit();
    };
    QObject::connect(&client, &EngineClient::finished, &loop,
                     [&](quint64 id, const engine::InpaintResult& r) {
                         outcomes[id].result = r;
                         outcomes[id].onGuiThread = QThread::currentThread() == gui;
                         done();
                     });
    QObject::connect(&client, &EngineClient::failed, &loop, [&](quint64 id, const QString& message) {
        outcomes[id].failure = message;
        outcomes[id].onGuiThread = QThread::currentThread() == gui;
        done();
    });
    QObject::connect(&client, &EngineClient::progressed, &loop, [&](quint64, int step, int total) {
        CHECK(step >= 0);
        CHECK(step <= total);
        if (progressSignals)
            ++*progressSignals;
    });
    loop.exec();
    return outcomes;
}

void maskRect(Document& doc, const QRect& rect) {
    QImage mask(doc.canvasSize(), QImage::Format_Grayscale8);
    mask.fill(0);
    QPainter(&mask).fillRect(rect, Qt::white);
    REQUIRE(doc.setMaskRegion(mask, QStringLiteral("Mask")));
}

} // namespace

TEST_CASE("A job submitted from the document finishes on the GUI thread with the request's identity",
          "[app][engine]") {
    Document doc;
    doc.reset(TestImages::photo(QStringLiteral("coffee.png")));
    maskRect(doc, QRect(100, 80, 60, 40));
    EngineClient client;
    const quint64 id = client.submit(doc, QString(), QStringLiteral("telea"), 7, 1);
    int progress = 0;
    const auto outcomes = waitForJobs(client, 1, &progress);

    REQUIRE(outcomes.count(id) == 1);
    const Outcome& outcome = outcomes.at(id);
    INFO(outcome.failure.toStdString());
    REQUIRE(outcome.result.has_value());
    CHECK(outcome.onGuiThread);
    CHECK(progress >= 1);
    const engine::InpaintResult& result = *outcome.result;
    CHECK(result.documentRevision == doc.revision());
    CHECK(result.targetLayerId == doc.activeLayerId());
    CHECK(result.backend == "telea");
    REQUIRE(result.candidates.size() == 1);
    const QRect region(result.region.x, result.region.y, result.region.width, result.region.height);
    CHECK(region.contains(QRect(100, 80, 60, 40)));
    CHECK(doc.canvasRect().contains(region));
}

TEST_CASE("A request the engine refuses ends in failed() with the engine's message", "[app][engine]") {
    Document doc;
    doc.reset(TestImages::gradient(64, 64)); // the mask is empty
    EngineClient client;
    const engine::InpaintRequest request =
        EngineClient::makeRequest(doc, QString(), QStringLiteral("telea"), 0, 1);
    const QString expected = EngineClient::validate(request);
    CHECK_FALSE(expected.isEmpty());
    const quint64 id = client.submit(request);
    const auto outcomes = waitForJobs(client, 1);
    REQUIRE(outcomes.count(id) == 1);
    CHECK_FALSE(outcomes.at(id).result.has_value());
    CHECK(outcomes.at(id).failure == expected);
}

TEST_CASE("Cancelling a queued job reports it cancelled and leaves the others to finish",
          "[app][engine]") {
    Document doc;
    doc.reset(TestImages::photo(QStringLiteral("chelsea.png")));
    maskRect(doc, QRect(50, 50, 120, 90));
    EngineClient client;
    const quint64 first = client.submit(doc, QString(), QStringLiteral("telea"), 0, 1);
    const quint64 second = client.submit(doc, QString(), QStringLiteral("navier-stokes"), 0, 1);
    const quint64 third = client.submit(doc, QString(), QStringLiteral("telea"), 1, 1);
    client.cancel(third);
    const auto outcomes = waitForJobs(client, 3);
    REQUIRE(outcomes.size() == 3);
    CHECK(outcomes.at(first).result.has_value());
    CHECK(outcomes.at(second).result.has_value());
    CHECK_FALSE(outcomes.at(third).result.has_value());
    CHECK(outcomes.at(third).failure.contains(QStringLiteral("cancel")));
}

TEST_CASE("The backends are listed with labels", "[app][engine]") {
    const QStringList names = EngineClient::backendNames();
    CHECK(names.contains(QStringLiteral("telea")));
    for (const QString& name : names)
        CHECK_FALSE(EngineClient::backendLabel(name).isEmpty());
}

TEST_CASE("A canvas with transparent areas is sent with its alpha and still inpainted",
          "[app][engine]") {
    Document doc;
    QImage picture = TestImages::gradient(96, 64).convertToFormat(QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&picture);
    painter.setCompositionMode(QPainter::CompositionMode_Clear);
    painter.fillRect(QRect(0, 0, 20, 64), Qt::transparent);
    painter.end();
    doc.reset(picture);
    maskRect(doc, QRect(40, 20, 16, 16));
    const engine::InpaintRequest request =
        EngineClient::makeRequest(doc, QString(), QStringLiteral("telea"), 0, 1);
    CHECK(request.image.channels == 4);
    CHECK(request.image.pixel(5, 5)[3] == 0);
    EngineClient client;
    const quint64 id = client.submit(request);
    const auto outcomes = waitForJobs(client, 1);
    INFO(outcomes.at(id).failure.toStdString());
    CHECK(outcomes.at(id).result.has_value());
}
