// The content policy in the editor: a refused job leaves the document and its undo stack as they
// were; a warning the user answers "go on" to is recorded with the layer and in the project.
#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/Settings.h"
#include "app/project/ProjectFile.h"
#include "ui/CandidatesPanel.h"
#include "ui/GeneratePanel.h"
#include "ui/GenerationController.h"
#include "ui/MainWindow.h"
#include "ui/SafetyPage.h"

#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <catch2/catch.hpp>

using namespace limner;
using Level = app::ContentPolicy::Level;

namespace {

// The editor on the bundled model with scratch settings, showing the sample portrait.
class Editor {
public:
    Editor()
        : m_previousModel(qgetenv("LIMNER_BUNDLED_MODEL")) {
        qputenv("LIMNER_BUNDLED_MODEL", QByteArray(LIMNER_RESOURCES_DIR "/models/limner-mini"));
        REQUIRE(m_scratch.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_scratch.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_scratch.path());
        QSettings().clear();
        m_window = std::make_unique<ui::MainWindow>(m_document, m_client);
        m_window->resize(1100, 800);
        m_window->show();
        REQUIRE(QTest::qWaitForWindowExposed(m_window.get()));
        m_document.reset(QImage(QStringLiteral(LIMNER_RESOURCES_DIR "/samples/astronaut.png")));
    }
    ~Editor() {
        m_window.reset();
        qputenv("LIMNER_BUNDLED_MODEL", m_previousModel);
    }

    void setLevel(Level level) {
        ui::SafetyPage page; // as the user would, through Preferences ▸ Safety
        page.setLevel(level);
    }
    void mask(const QRect& hole) {
        QImage mask = m_document.mask();
        mask.fill(0);
        for (int y = hole.top(); y <= hole.bottom(); ++y)
            std::fill_n(mask.scanLine(y) + hole.left(), hole.width(), uchar(255));
        REQUIRE(m_document.setMaskRegion(mask, QStringLiteral("hole")));
    }
    ui::GenerationController& generation() { return *m_window->generation(); }
    QString message() const { return m_window->findChild<QLabel*>(QStringLiteral("message"))->text(); }
    // Generate: returns whether a job started (and waits for it to end).
    bool generate(const QString& prompt) {
        m_window->generatePanel()->setPrompt(prompt);
        m_window->generatePanel()->setSeed(3);
        m_window->generatePanel()->setCandidateCount(1);
        m_window->generatePanel()->setSteps(4);
        QSignalSpy started(&generation(), &ui::GenerationController::jobStarted);
        QSignalSpy ended(&generation(), &ui::GenerationController::jobEnded);
        generation().generate();
        if (started.isEmpty())
            return false;
        REQUIRE(ended.wait(240000));
        return true;
    }

    app::Document& document() { return m_document; }

private:
    QByteArray m_previousModel;
    QTemporaryDir m_scratch;
    app::Document m_document;
    app::EngineClient m_client;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace

TEST_CASE("A prompt the policy refuses leaves the document and its undo stack untouched",
          "[policy][ui]") {
    if (!app::EngineClient::modelsSupported())
        return; // no model, no generative job to refuse
    Editor editor;
    editor.setLevel(Level::Strict);
    editor.mask(QRect(380, 400, 80, 80)); // away from the face
    const int undoSteps = editor.document().undoStack()->count();
    const int undoIndex = editor.document().undoStack()->index();
    const int layers = editor.document().layerCount();
    const QImage before = editor.document().flatten();
    int asked = 0;
    editor.generation().setConfirmRisk([&](const QString&) { return ++asked, true; });

    CHECK_FALSE(editor.generate(QStringLiteral("a gory wound")));
    CHECK(editor.message().startsWith(QStringLiteral("Refused by the content policy (Strict)")));
    CHECK(editor.message().contains(QStringLiteral("graphic violence")));
    CHECK(asked == 0); // Strict does not ask
    // Sexual content involving minors: refused even with the policy off.
    editor.setLevel(Level::Off);
    CHECK_FALSE(editor.generate(QStringLiteral("n u d e  c h i l d")));
    CHECK(editor.message().contains(QStringLiteral("sexual content involving minors")));
    CHECK(editor.document().undoStack()->count() == undoSteps);
    CHECK(editor.document().undoStack()->index() == undoIndex);
    CHECK(editor.document().layerCount() == layers);
    CHECK(editor.document().flatten() == before);
}

TEST_CASE("A face edit asks first in Standard, and the answer is saved with the layer in the project",
          "[policy][ui][faces]") {
    if (!app::EngineClient::modelsSupported())
        return;
    Editor editor;
    editor.setLevel(Level::Standard);
    editor.mask(QRect(180, 80, 60, 60)); // over Eileen Collins' face
    QString warning;
    bool answer = false;
    editor.generation().setConfirmRisk([&](const QString& text) {
        warning = text;
        return answer;
    });
    const int undoSteps = editor.document().undoStack()->count();
    CHECK_FALSE(editor.generate(QStringLiteral("a smiling face")));
    CHECK(warning.contains(QStringLiteral("deepfake")));
    CHECK(editor.message().startsWith(QStringLiteral("Not generated")));
    CHECK(editor.document().undoStack()->count() == undoSteps);

    answer = true;
    REQUIRE(editor.generate(QStringLiteral("a smiling face")));
    editor.generation().accept(0);
    const app::Layer& layer = editor.document().layers().back();
    CHECK(layer.generation.consentNote.contains(QStringLiteral("deepfake")));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("portrait.ora"));
    QString error;
    REQUIRE(app::ProjectFile::save(editor.document(), path, &error));
    app::Document reopened;
    REQUIRE(app::ProjectFile::open(reopened, path, app::Settings().decodeLimitBytes, &error));
    CHECK(reopened.layers().back().generation.consentNote == layer.generation.consentNote);
}

TEST_CASE("Preferences ▸ Safety saves the level and the user's terms, and tries a prompt",
          "[policy][ui]") {
    QTemporaryDir scratch;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, scratch.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, scratch.path());
    QSettings().clear();
    {
        ui::SafetyPage page;
        page.resize(600, 900);
        page.show();
        REQUIRE(QTest::qWaitForWindowExposed(&page));
        CHECK(page.policy().level == Level::Standard); // the default
        page.setLevel(Level::Strict);
        page.addTerm(app::ContentPolicy::Category::Violence, QStringLiteral("chainsaw*"));
        page.removeTerm(app::ContentPolicy::Category::Sexual, QStringLiteral("explicit"));
        // The shipped terms about minors stay whatever the user does.
        page.removeTerm(app::ContentPolicy::Category::Minors, QStringLiteral("loli"));
        auto* trial = page.findChild<QLineEdit*>(QStringLiteral("policyTrial"));
        REQUIRE(trial);
        QTest::keyClicks(trial, QStringLiteral("a man with a C H A I N S A W"));
        const QString verdict = page.findChild<QLabel*>(QStringLiteral("policyTrialResult"))->text();
        CHECK(verdict.contains(QStringLiteral("chainsaw*")));
        CHECK(verdict.contains(QStringLiteral("refused")));
        const QString dir = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
        QDir().mkpath(dir);
        REQUIRE(page.grab().save(dir + QStringLiteral("/preferences-safety.png")));
    }
    // A new page (the next time Preferences opens) and the generation code read what was saved.
    const app::ContentPolicy saved = app::ContentPolicy::fromSettings(app::Settings::load());
    CHECK(saved.level == Level::Strict);
    CHECK(saved.terms(app::ContentPolicy::Category::Violence).contains(QStringLiteral("chainsaw*")));
    CHECK_FALSE(saved.terms(app::ContentPolicy::Category::Sexual).contains(QStringLiteral("explicit")));
    CHECK(saved.terms(app::ContentPolicy::Category::Minors).contains(QStringLiteral("loli")));
}
