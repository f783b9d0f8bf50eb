// Before a job runs, the generate panel says what it will cost and refuses what cannot fit; a
// model taken off the list is freed. On the parity fixtures' tiny Stable Diffusion model.
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/Settings.h"
#include "engine/service/Engine.h"
#include "engine/service/estimate/AvailableMemory.h"
#include "engine/service/estimate/DeviceSpeeds.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationController.h"
#include "ui/MainWindow.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <catch2/catch.hpp>

using namespace limner;

namespace {

QString sdModelFolder() {
    const QByteArray env = qgetenv("LIMNER_PARITY_DIR");
    const QString parity = env.isEmpty() ? QStringLiteral(LIMNER_RESOURCES_DIR "/../tests/data/parity")
                                         : QString::fromLocal8Bit(env);
    return QDir::cleanPath(parity + QStringLiteral("/pipeline_sd_inpaint"));
}

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QCoreApplication::sendPostedEvents();
    REQUIRE(widget.grab().save(dir + QLatin1Char('/') + name));
}

// Scratch settings that run models on the CPU in float32, for the test's life.
class CpuSettings {
public:
    CpuSettings() {
        REQUIRE(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QSettings().clear();
        app::Settings settings = app::Settings::load();
        settings.modelDevice = QStringLiteral("cpu");
        settings.modelDtype = QStringLiteral("float32");
        settings.save();
    }

private:
    QTemporaryDir m_dir;
};

// The computer's free memory as the estimate sees it, while this lives.
class SimulatedMemory {
public:
    explicit SimulatedMemory(quint64 host) {
        engine::AvailableMemory::setSourceForTests([host] { return engine::MemoryAvailable{host, 0}; });
    }
    ~SimulatedMemory() { engine::AvailableMemory::setSourceForTests({}); }
};

} // namespace

TEST_CASE("the generate panel shows a model job's memory and time under Generate, and refuses "
          "one that cannot fit with what to change",
          "[ui][models][estimate]") {
    if (!app::EngineClient::modelsSupported())
        return;
    CpuSettings settings;
    engine::DeviceSpeeds::clear(); // nothing measured yet: the probe gives the first guess
    app::Document document;
    app::EngineClient client;
    REQUIRE(client.addModel(sdModelFolder()).isEmpty());
    ui::MainWindow window(document, client);
    window.resize(1200, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QImage picture(96, 96, QImage::Format_RGB32);
    picture.fill(qRgb(90, 140, 200));
    document.reset(picture);
    QImage mask = document.mask();
    mask.fill(0);
    for (int y = 30; y < 62; ++y)
        std::fill_n(mask.scanLine(y) + 34, 28, uchar(255));
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("square")));
    ui::GeneratePanel& panel = *window.generatePanel();
    auto* line = panel.findChild<QLabel*>(QStringLiteral("estimate"));
    auto* generate = panel.findChild<QPushButton*>(QStringLiteral("generateButton"));
    REQUIRE(line);
    REQUIRE(generate);

    // A classical fill needs no estimate.
    panel.setBackend(QStringLiteral("telea"));
    CHECK_FALSE(line->isVisible());

    panel.setBackend(client.models().front().backend);
    panel.setCandidateCount(1);
    QTRY_VERIFY_WITH_TIMEOUT(line->text().contains(QStringLiteral("first guess")), 20000);
    QString problem;
    const engine::JobEstimate estimate = window.generation()->estimate(&problem);
    CHECK(problem.isEmpty());
    REQUIRE(estimate.applies);
    CHECK(line->isVisible());
    CHECK(line->text() == ui::GeneratePanel::estimateLine(estimate));
    const QRegularExpression shape(QStringLiteral(
        "^≈ [0-9.]+ (KiB|MiB) memory · (≈ [0-9]+ s|< 1 s), first guess \\(CPU, float32\\)$"));
    INFO(line->text().toStdString());
    CHECK(shape.match(line->text()).hasMatch());
    CHECK(line->text().contains(app::EngineClient::bytesText(estimate.hostBytes)));
    CHECK(line->toolTip().contains(QStringLiteral("first guess")));
    CHECK(generate->isEnabled());
    saveScreenshot(window, QStringLiteral("generate-panel-estimate.png"));

    {
        // Free memory below what the job needs: a warning with the advice, Generate disabled.
        const SimulatedMemory low(estimate.hostBytes * 3 / 4);
        panel.setCandidateCount(2);
        const engine::JobEstimate refused = window.generation()->estimate(&problem);
        REQUIRE_FALSE(refused.fits);
        CHECK(line->text().startsWith(QStringLiteral("⚠ Will not fit. This job needs about")));
        CHECK(line->text().contains(QStringLiteral("choose bfloat16")));
        CHECK_FALSE(generate->isEnabled());
        CHECK(generate->toolTip().startsWith(QStringLiteral("This job needs about")));
        saveScreenshot(window, QStringLiteral("generate-panel-refused.png"));
        // Generate from the menu is refused with the same words.
        window.generation()->generate();
        CHECK_FALSE(window.generation()->isRunning());
        auto* message = panel.findChild<QLabel*>(QStringLiteral("message"));
        CHECK(message->text().startsWith(QStringLiteral("This job needs about")));
    }
    panel.setCandidateCount(1);
    CHECK(generate->isEnabled());
    CHECK(line->text() == ui::GeneratePanel::estimateLine(window.generation()->estimate(&problem)));
}

TEST_CASE("a model taken off the list is freed after its job", "[ui][models][estimate]") {
    if (!app::EngineClient::modelsSupported())
        return;
    CpuSettings settings;
    app::EngineClient client;
    REQUIRE(client.addModel(sdModelFolder()).isEmpty());
    const QString backend = client.models().front().backend;

    app::Document document;
    QImage picture(96, 96, QImage::Format_RGB32);
    picture.fill(qRgb(90, 140, 200));
    document.reset(picture);
    QImage mask = document.mask();
    mask.fill(0);
    for (int y = 30; y < 62; ++y)
        std::fill_n(mask.scanLine(y) + 34, 28, uchar(255));
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("square")));
    engine::InpaintRequest request =
        app::EngineClient::makeRequest(document, QStringLiteral("a kite"), backend, 3, 1);
    request.diffusion.device = "cpu";
    request.diffusion.dtype = "float32";
    request.diffusion.steps = 2;
    QSignalSpy finished(&client, &app::EngineClient::finished);
    QSignalSpy failed(&client, &app::EngineClient::failed);
    client.submit(request);
    REQUIRE(finished.wait(120000));
    CHECK(failed.isEmpty());
    CHECK(engine::Engine::loadedModelCount() == 1);

    client.removeModel(client.models().front().folder);
    CHECK(client.models().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(engine::Engine::loadedModelCount(), 0, 20000);
}
