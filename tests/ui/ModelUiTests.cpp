#include "app/ApplyCandidate.h"
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/ImageConvert.h"
#include "app/Settings.h"
#include "tests/support/SafetyCheckerFolder.h"
#include "ui/CandidatesPanel.h"
#include "ui/CanvasView.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationController.h"
#include "ui/MainWindow.h"
#include "ui/ModelsPage.h"
#include "ui/PreferencesDialog.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>

using namespace limner;

namespace {

QString parityDir() {
    const QByteArray env = qgetenv("LIMNER_PARITY_DIR");
    return env.isEmpty() ? QStringLiteral(LIMNER_RESOURCES_DIR "/../tests/data/parity")
                         : QString::fromLocal8Bit(env);
}

QString sdModelFolder() {
    return QDir::cleanPath(parityDir() + QStringLiteral("/pipeline_sd_inpaint"));
}

void saveScreenshot(QWidget& widget, const QString& name) {
    const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(dir);
    QCoreApplication::sendPostedEvents(); // pending layout requests (a message's new height)
    REQUIRE(widget.grab().save(dir + QLatin1Char('/') + name));
}

// The user's settings live in a scratch folder for the test's life.
class ScratchSettings {
public:
    ScratchSettings() {
        REQUIRE(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QSettings().clear();
    }

private:
    QTemporaryDir m_dir;
};

// Copies a model folder (the copy can then be damaged without touching the fixture).
bool copyFolder(const QString& from, const QString& to) {
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

QStringList listedNames(const QTreeWidget& list) {
    QStringList names;
    for (int i = 0; i < list.topLevelItemCount(); ++i)
        names << list.topLevelItem(i)->text(0);
    return names;
}

app::ModelFolder describedModel(bool acceptsPrompt, bool acceptsImagePrompts) {
    app::ModelFolder model;
    model.folder = QStringLiteral("/models/kandinsky-2-2");
    model.backend = QStringLiteral("model:/models/kandinsky-2-2");
    model.description.folder = model.folder.toStdString();
    model.description.family = "Kandinsky 2.2";
    model.description.acceptsPrompt = acceptsPrompt;
    model.description.acceptsImagePrompts = acceptsImagePrompts;
    return model;
}

} // namespace

TEST_CASE("model parameter counts read as thousands, millions or billions", "[ui][models]") {
    CHECK(ui::ModelsPage::formatParameters(1'234'000'000) == QStringLiteral("1.2 B"));
    CHECK(ui::ModelsPage::formatParameters(3'400'000) == QStringLiteral("3.4 M"));
    CHECK(ui::ModelsPage::formatParameters(870'000) == QStringLiteral("870.0 K"));
}

TEST_CASE("Preferences ▸ Models adds a model folder with its family, or says why it cannot",
          "[ui][models]") {
    ScratchSettings scratch;
    app::EngineClient client;
    ui::ModelsPage page(client);
    page.resize(760, 360);
    page.show();
    REQUIRE(QTest::qWaitForWindowExposed(&page));
    auto* list = page.findChild<QTreeWidget*>(QStringLiteral("modelList"));
    auto* device = page.findChild<QComboBox*>(QStringLiteral("modelDevice"));
    REQUIRE(list);
    REQUIRE(device);

    if (!app::EngineClient::modelsSupported()) {
        // A build without libtorch says so, offers no CUDA and lists nothing.
        CHECK_FALSE(page.addFolder(sdModelFolder()));
        CHECK(page.message().contains(QStringLiteral("no diffusion support")));
        CHECK(list->topLevelItemCount() == 0);
        CHECK(client.models().isEmpty());
        CHECK(page.findChild<QLabel*>(QStringLiteral("modelsNote"))
                  ->text()
                  .contains(QStringLiteral("no diffusion support")));
        CHECK(app::Settings::load().modelFolders.isEmpty());
        saveScreenshot(page, QStringLiteral("models-page-no-ml.png"));
        return;
    }

    REQUIRE(page.addFolder(sdModelFolder()));
    REQUIRE(list->topLevelItemCount() == 1);
    const QTreeWidgetItem* row = list->topLevelItem(0);
    CHECK(row->text(0).contains(QStringLiteral("pipeline_sd_inpaint")));
    CHECK(row->text(1) == QStringLiteral("Stable Diffusion"));
    CHECK_FALSE(row->text(2).isEmpty());
    CHECK_FALSE(row->text(3).isEmpty());
    CHECK_FALSE(row->text(4).isEmpty());
    CHECK(app::Settings::load().modelFolders == QStringList{sdModelFolder()});
    std::cout << "models page: " << row->text(0).toStdString() << " | " << row->text(1).toStdString()
              << " | " << row->text(2).toStdString() << " | " << row->text(3).toStdString() << " | "
              << row->text(4).toStdString() << "\n";

    // A broken copy (its autoencoder deleted) is refused with a message naming the component.
    QTemporaryDir scratchModels;
    const QString broken = scratchModels.path() + QStringLiteral("/broken_sd");
    REQUIRE(copyFolder(sdModelFolder(), broken));
    REQUIRE(QDir(broken + QStringLiteral("/vae")).removeRecursively());
    CHECK_FALSE(page.addFolder(broken));
    CHECK(page.message().contains(QStringLiteral("vae")));
    CHECK(list->topLevelItemCount() == 1);
    CHECK(client.models().size() == 1);
    CHECK(app::Settings::load().modelFolders == QStringList{sdModelFolder()});
    saveScreenshot(page, QStringLiteral("models-page.png"));

    // Device and precision persist as soon as they are chosen.
    device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
    auto* dtype = page.findChild<QComboBox*>(QStringLiteral("modelDtype"));
    dtype->setCurrentIndex(dtype->findData(QStringLiteral("bfloat16")));
    CHECK(app::Settings::load().modelDevice == QStringLiteral("cpu"));
    CHECK(app::Settings::load().modelDtype == QStringLiteral("bfloat16"));

    // Remove takes it off the list, out of the settings and off the engine at once: a request
    // naming it is refused.
    const QString backend = client.models().front().backend;
    CHECK(app::EngineClient::backendNames().contains(backend));
    list->setCurrentItem(list->topLevelItem(0));
    page.removeSelected();
    CHECK(list->topLevelItemCount() == 0);
    CHECK(app::Settings::load().modelFolders.isEmpty());
    CHECK_FALSE(app::EngineClient::backendNames().contains(backend));
    QImage picture(64, 64, QImage::Format_RGB32);
    picture.fill(Qt::gray);
    QImage mask(64, 64, QImage::Format_Grayscale8);
    mask.fill(255);
    engine::InpaintRequest request;
    request.image = app::ImageConvert::toEngineRgb(picture);
    request.mask = app::ImageConvert::toEngineMask(mask);
    request.backend = backend.toStdString();
    CHECK(app::EngineClient::validate(request).contains(QStringLiteral("unknown backend")));
}

TEST_CASE("Edit ▸ Preferences has a Models page", "[ui][models]") {
    ScratchSettings scratch;
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.showPreferences();
    REQUIRE(window.preferences());
    REQUIRE(window.preferences()->showPage(QStringLiteral("Models")));
    CHECK(window.preferences()->findChild<ui::ModelsPage*>());
    window.preferences()->close();
}

TEST_CASE("a saved model folder that no longer checks out is listed with its error at startup",
          "[ui][models]") {
    if (!app::EngineClient::modelsSupported())
        return; // without libtorch no folder is ever saved
    ScratchSettings scratch;
    QTemporaryDir scratchModels;
    const QString copy = scratchModels.path() + QStringLiteral("/sd_copy");
    REQUIRE(copyFolder(sdModelFolder(), copy));
    REQUIRE(QDir(copy + QStringLiteral("/vae")).removeRecursively());
    app::Settings settings = app::Settings::load();
    settings.modelFolders = {sdModelFolder(), copy};
    settings.save();

    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client); // re-adds the saved folders
    REQUIRE(client.models().size() == 2);
    CHECK(client.models()[0].isUsable());
    CHECK_FALSE(client.models()[1].isUsable());
    CHECK(client.models()[1].error.contains(QStringLiteral("vae")));
    ui::ModelsPage page(client);
    const QStringList names = listedNames(*page.findChild<QTreeWidget*>(QStringLiteral("modelList")));
    REQUIRE(names.size() == 2);
    CHECK(names[1].contains(QStringLiteral("vae")));
    // Only the usable one is offered for generating.
    auto* backends = window.generatePanel()->findChild<QComboBox*>(QStringLiteral("backend"));
    CHECK(backends->findData(client.models()[0].backend) >= 0);
    CHECK(backends->findText(QStringLiteral("sd_copy"), Qt::MatchContains) < 0);
}

TEST_CASE("choosing a model shows its diffusion settings; a classical fill hides them",
          "[ui][models]") {
    ui::GeneratePanel panel;
    panel.resize(360, 700);
    panel.show();
    REQUIRE(QTest::qWaitForWindowExposed(&panel));
    auto* diffusion = panel.findChild<QWidget*>(QStringLiteral("diffusionSettings"));
    auto* prompt = panel.findChild<QPlainTextEdit*>(QStringLiteral("prompt"));
    auto* imagePrompt = panel.findChild<QWidget*>(QStringLiteral("imagePrompt"));
    REQUIRE(diffusion);
    panel.setBackend(QStringLiteral("telea"));
    CHECK_FALSE(diffusion->isVisible());

    // An unCLIP model with its prior: prompt and image prompt.
    const app::ModelFolder unclip = describedModel(true, true);
    panel.setModels({unclip});
    panel.setBackend(unclip.backend);
    REQUIRE(panel.selectedModel());
    CHECK(diffusion->isVisible());
    CHECK(prompt->isEnabled());
    CHECK(imagePrompt->isEnabled());
    panel.setSteps(12);
    panel.setGuidanceScale(5.5);
    panel.setScheduler(QStringLiteral("euler-ancestral"));
    panel.setStrength(0.75);
    QImage reference(40, 30, QImage::Format_RGB32);
    reference.fill(QColor(30, 120, 200));
    panel.setImagePrompt(reference);
    panel.setImagePromptWeight(0.4);
    panel.setPrompt(QStringLiteral("a red kite"));
    engine::DiffusionSettings d = panel.diffusionSettings();
    CHECK(d.steps == 12);
    CHECK(d.guidanceScale == Approx(5.5));
    CHECK(d.scheduler == "euler-ancestral");
    CHECK(d.strength == Approx(0.75));
    REQUIRE(d.imagePrompts.size() == 1);
    CHECK(d.imagePrompts[0].image.width == 40);
    CHECK(d.imagePrompts[0].weight == Approx(0.4));
    CHECK(d.textWeight == Approx(0.6));
    panel.setGuidanceScale(-1);
    CHECK(panel.diffusionSettings().guidanceScale < 0); // the family's default
    saveScreenshot(panel, QStringLiteral("generate-panel-model.png"));

    // A model without a text encoder: the prompt is greyed out with the reason, and sends nothing.
    const app::ModelFolder decoderOnly = describedModel(false, false);
    panel.setModels({decoderOnly});
    panel.setBackend(decoderOnly.backend);
    CHECK_FALSE(prompt->isEnabled());
    CHECK(prompt->toolTip().contains(QStringLiteral("no text prompt")));
    CHECK(panel.prompt().isEmpty());
    CHECK_FALSE(imagePrompt->isEnabled());
    CHECK(panel.diffusionSettings().imagePrompts.empty());
    saveScreenshot(panel, QStringLiteral("generate-panel-no-prompt.png"));

    // Removing the model falls back to a classical fill and its plain panel.
    panel.setModels({});
    CHECK_FALSE(panel.backend().startsWith(QStringLiteral("model:")));
    CHECK_FALSE(diffusion->isVisible());
    CHECK(prompt->isEnabled());
}

TEST_CASE("a Stable Diffusion job from the editor shows previews on the canvas and ends with "
          "candidates",
          "[ui][models]") {
    if (!app::EngineClient::modelsSupported())
        return; // covered by the Models page test: the build says it has no diffusion support
    ScratchSettings scratch;
    app::Settings settings = app::Settings::load();
    settings.modelDevice = QStringLiteral("cpu");
    settings.modelDtype = QStringLiteral("float32");
    settings.save();

    app::Document document;
    app::EngineClient client;
    REQUIRE(client.addModel(sdModelFolder()).isEmpty());
    ui::MainWindow window(document, client);
    window.resize(1200, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));

    QImage picture(96, 96, QImage::Format_RGB32);
    for (int y = 0; y < 96; ++y)
        for (int x = 0; x < 96; ++x)
            picture.setPixel(x, y, qRgb(x * 2, 90 + y, 160));
    document.reset(picture);
    QImage mask = document.mask();
    mask.fill(0);
    for (int y = 30; y < 62; ++y)
        std::fill_n(mask.scanLine(y) + 34, 28, uchar(255));
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("square")));
    const QImage before = document.flatten();

    ui::GeneratePanel& panel = *window.generatePanel();
    const QString backend = client.models().first().backend;
    panel.setBackend(backend);
    REQUIRE(panel.selectedModel());
    panel.setPrompt(QStringLiteral("a squirrel"));
    panel.setSteps(6);
    panel.setGuidanceScale(6.0);
    panel.setScheduler(QStringLiteral("ddim"));
    panel.setCandidateCount(2);
    panel.setSeed(900);

    // The request Generate would send carries the panel's and the settings' values.
    const engine::InpaintRequest request = window.generation()->inpaintRequest();
    CHECK(request.backend == backend.toStdString());
    CHECK(request.prompt == "a squirrel");
    CHECK(request.candidates == 2);
    CHECK(request.seed == 900);
    CHECK(request.diffusion.steps == 6);
    CHECK(request.diffusion.guidanceScale == Approx(6.0));
    CHECK(request.diffusion.scheduler == "ddim");
    CHECK(request.diffusion.device == "cpu");
    CHECK(request.diffusion.dtype == "float32");
    CHECK(request.diffusion.previewEvery >= 1);

    QSignalSpy previews(&client, &app::EngineClient::previewUpdated);
    QSignalSpy ended(window.generation(), &ui::GenerationController::jobEnded);
    bool previewOnCanvas = false;
    QRect previewRect;
    QImage previewShot;
    QObject::connect(&client, &app::EngineClient::previewUpdated, window.generation(), [&] {
        // Runs after the controller's own slot: the canvas shows the preview in the job's region.
        if (window.canvas()->hasPreview() && !window.generation()->previewRect().isNull()) {
            previewOnCanvas = true;
            previewRect = window.generation()->previewRect();
            if (previewShot.isNull())
                previewShot = window.grab().toImage(); // no event processing: the job still runs
        }
    });
    window.generation()->generate();
    REQUIRE(window.generation()->isRunning());
    REQUIRE(ended.wait(240000));
    INFO(window.findChild<QLabel*>(QStringLiteral("message"))->text().toStdString());
    REQUIRE(window.candidatesPanel()->count() == 2);
    std::cout << "ui model job: " << previews.count() << " previews\n";
    CHECK(previews.count() >= 2);
    CHECK(previewOnCanvas);
    REQUIRE_FALSE(previewShot.isNull());
    REQUIRE(previewShot.save(QStringLiteral(LIMNER_BINARY_DIR "/screenshots/model-preview.png")));
    CHECK(previewRect.contains(QRect(34, 30, 28, 32)));
    CHECK(window.generation()->previewRect().isNull()); // progress preview gone; candidate shown
    CHECK(window.canvas()->hasPreview());
    CHECK(document.flatten() == before);
    saveScreenshot(window, QStringLiteral("model-candidates.png"));
}

TEST_CASE("Cancel stops a model job within a step and removes its preview", "[ui][models]") {
    if (!app::EngineClient::modelsSupported())
        return;
    ScratchSettings scratch;
    app::Document document;
    app::EngineClient client;
    REQUIRE(client.addModel(sdModelFolder()).isEmpty());
    ui::MainWindow window(document, client);
    QImage picture(96, 96, QImage::Format_RGB32);
    picture.fill(QColor(120, 140, 90));
    document.reset(picture);
    QImage mask = document.mask();
    mask.fill(0);
    for (int y = 20; y < 70; ++y)
        std::fill_n(mask.scanLine(y) + 20, 50, uchar(255));
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("square")));

    ui::GeneratePanel& panel = *window.generatePanel();
    panel.setBackend(client.models().first().backend);
    panel.setSteps(150);
    panel.setCandidateCount(8);
    QSignalSpy progressed(&client, &app::EngineClient::progressed);
    QSignalSpy ended(window.generation(), &ui::GenerationController::jobEnded);
    window.generation()->generate();
    REQUIRE(window.generation()->isRunning());
    // Let it get into the denoising loop, then cancel.
    QElapsedTimer clock;
    clock.start();
    while (progressed.count() < 3 && clock.elapsed() < 120000)
        QTest::qWait(10);
    REQUIRE(progressed.count() >= 3);
    const int stepsBeforeCancel = progressed.last().at(1).toInt();
    const int total = progressed.last().at(2).toInt();
    clock.restart();
    window.generation()->cancel();
    REQUIRE(ended.wait(60000));
    const qint64 cancelMs = clock.elapsed();
    const int lastStep = progressed.last().at(1).toInt();
    std::cout << "ui model cancel: stopped " << cancelMs << " ms after cancel, at step " << lastStep
              << " of " << total << " (cancel asked at " << stepsBeforeCancel << ")\n";
    CHECK(lastStep < total);
    CHECK(cancelMs < 5000);
    CHECK_FALSE(window.generation()->isRunning());
    CHECK(window.candidatesPanel()->count() == 0);
    CHECK_FALSE(window.canvas()->hasPreview());
}

TEST_CASE("a candidate the model's safety checker flags is blacked out and not accepted; with the "
          "policy off it is shown with a warning",
          "[ui][models][safety]") {
    if (!app::EngineClient::modelsSupported())
        return;
    ScratchSettings scratch;
    app::Settings settings = app::Settings::load();
    settings.modelDevice = QStringLiteral("cpu");
    settings.modelDtype = QStringLiteral("float32");
    settings.save();
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("sd-with-checker"));
    std::filesystem::copy(sdModelFolder().toStdString(), model.toStdString(),
                          std::filesystem::copy_options::recursive);
    tests::writeSafetyChecker(model, -1.5); // flags every picture

    app::Document document;
    app::EngineClient client;
    REQUIRE(client.addModel(model).isEmpty());
    ui::MainWindow window(document, client);
    window.resize(1200, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QImage picture(96, 96, QImage::Format_RGB32);
    picture.fill(qRgb(200, 180, 120));
    document.reset(picture);
    ui::GeneratePanel& panel = *window.generatePanel();
    panel.setBackend(client.models().first().backend);
    panel.setPrompt(QStringLiteral("a squirrel"));
    panel.setSteps(2);
    panel.setCandidateCount(1);
    panel.setSeed(3);
    auto* message = window.findChild<QLabel*>(QStringLiteral("message"));
    auto* strip = window.candidatesPanel()->findChild<QListWidget*>();
    REQUIRE(strip);

    const auto generate = [&] {
        QImage mask = document.mask();
        mask.fill(0);
        for (int y = 30; y < 62; ++y)
            std::fill_n(mask.scanLine(y) + 34, 28, uchar(255));
        REQUIRE(document.setMaskRegion(mask, QStringLiteral("square")));
        QSignalSpy ended(window.generation(), &ui::GenerationController::jobEnded);
        window.generation()->generate();
        REQUIRE(ended.wait(240000));
        REQUIRE(window.candidatesPanel()->count() == 1);
    };
    // The thumbnail's share of black pixels.
    const auto black = [&] {
        const QImage icon = strip->item(0)->icon().pixmap(64, 64).toImage();
        int dark = 0, all = 0;
        for (int y = 0; y < icon.height(); ++y)
            for (int x = 0; x < icon.width(); ++x) {
                const QRgb p = icon.pixel(x, y);
                if (qAlpha(p) == 0)
                    continue;
                ++all;
                dark += qRed(p) < 8 && qGreen(p) < 8 && qBlue(p) < 8;
            }
        return all ? double(dark) / all : 0.0;
    };

    generate(); // Standard, the default
    INFO(message->text().toStdString());
    CHECK(message->text().contains(QStringLiteral("flagged")));
    CHECK(black() > 0.95);
    const int layers = document.layerCount();
    window.generation()->accept(0);
    CHECK(document.layerCount() == layers);
    CHECK(message->text().contains(QStringLiteral("not accepted")));
    // Nor is it kept in the staging history, whence it could be accepted later.
    CHECK(document.stagingHistory().isEmpty());
    saveScreenshot(window, QStringLiteral("safety-flagged.png"));

    settings = app::Settings::load();
    settings.contentPolicy = QStringLiteral("off");
    settings.save();
    generate();
    CHECK(message->text().contains(QStringLiteral("policy is Off")));
    CHECK(black() < 0.5);
    CHECK(document.stagingHistory().size() == 1);
    window.generation()->accept(0);
    CHECK(document.layerCount() == layers + 1);
}

TEST_CASE("style chips add their words to both prompts, are remembered, edited and recorded",
          "[ui][models][styles]") {
    if (!app::EngineClient::modelsSupported())
        return;
    ScratchSettings scratch;
    app::Document document;
    app::EngineClient client;
    REQUIRE(client.addModel(sdModelFolder()).isEmpty());
    ui::MainWindow window(document, client);
    window.resize(1200, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QImage picture(64, 64, QImage::Format_RGB32);
    picture.fill(Qt::gray);
    document.reset(picture);
    QImage mask = document.mask();
    mask.fill(255);
    REQUIRE(document.setMaskRegion(mask, QStringLiteral("all")));
    ui::GeneratePanel& panel = *window.generatePanel();
    panel.setBackend(client.models().first().backend);
    panel.setPrompt(QStringLiteral("a lighthouse"));
    panel.setNegativePrompt(QStringLiteral("blurry"));

    // The shipped styles are chips; one click switches one on.
    CHECK(panel.styles() == app::StylePreset::defaults());
    auto* chip = panel.findChild<QToolButton*>(QStringLiteral("style:Van Gogh oil painting"));
    REQUIRE(chip);
    chip->click();
    saveScreenshot(window, QStringLiteral("style-chips.png"));
    engine::InpaintRequest request = window.generation()->inpaintRequest();
    CHECK(
        QString::fromStdString(request.prompt)
            .startsWith(QStringLiteral("a lighthouse, oil painting in the style of Vincent van Gogh")));
    CHECK(request.negativePrompt == "blurry, photograph, smooth, flat colours");
    CHECK(request.styles == std::vector<std::string>{"Van Gogh oil painting"});
    CHECK(app::Settings::load().activeStyles == QStringList{QStringLiteral("Van Gogh oil painting")});

    // An edited list (a style added, one removed) is saved and shown.
    QList<app::StylePreset> edited = panel.styles();
    edited.removeLast();
    edited << app::StylePreset{QStringLiteral("Neon"), QStringLiteral("neon lights at night"), {}};
    panel.setStyles(edited, {QStringLiteral("Neon")});
    CHECK(panel.findChild<QToolButton*>(QStringLiteral("style:Neon")));
    request = window.generation()->inpaintRequest();
    CHECK(request.prompt == "a lighthouse, neon lights at night");
    CHECK(request.negativePrompt == "blurry");
    panel.findChild<QToolButton*>(QStringLiteral("style:Neon"))->click(); // off
    panel.findChild<QToolButton*>(QStringLiteral("style:Neon"))->click(); // on: saves the list
    CHECK(app::Settings::load().styles == edited);

    // The accepted layer records the styles (and projects keep them: OraRoundTripTests).
    engine::InpaintResult result;
    result.region = engine::Rect{0, 0, 8, 8};
    result.backend = request.backend;
    result.prompt = request.prompt;
    result.styles = request.styles;
    engine::InpaintCandidate candidate;
    candidate.layer = engine::Image(8, 8, 4);
    result.candidates.push_back(candidate);
    const int id = app::applyCandidateAsLayer(document, result, 0);
    REQUIRE(id >= 0);
    CHECK(document.layerById(id)->generation.styles == QStringList{QStringLiteral("Neon")});
}
