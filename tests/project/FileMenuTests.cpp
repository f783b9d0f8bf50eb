#include "app/Document.h"
#include "app/Settings.h"
#include "app/project/ProjectFile.h"
#include "tests/project/ProjectFixtures.h"
#include "ui/FileController.h"

#include <QApplication>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <catch2/catch.hpp>

using limner::app::Document;
using limner::app::ProjectFile;
using limner::app::Settings;

namespace {

// Scratch settings and data folders, never the user's.
struct ScratchProfile {
    QTemporaryDir dir;
    ScratchProfile() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
        QSettings().clear();
    }
};

// Answers the next message box with button.
void answerNextMessageBox(QMessageBox::StandardButton button, QString* text = nullptr) {
    QTimer::singleShot(0, [button, text] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            if (auto* box = qobject_cast<QMessageBox*>(w); box && box->isVisible()) {
                if (text)
                    *text = box->text();
                box->button(button)->click();
                return;
            }
        }
        answerNextMessageBox(button, text); // not shown yet
    });
}

} // namespace

TEST_CASE("Recent files, window layout and export settings survive a restart", "[project]") {
    ScratchProfile profile;
    Settings settings = Settings::load();
    CHECK(settings.autosaveIntervalSeconds == 120);
    CHECK_FALSE(settings.exportGenerationParameters);
    for (int i = 0; i < 12; ++i)
        settings.addRecentFile(QStringLiteral("/pictures/%1.ora").arg(i));
    settings.addRecentFile(QStringLiteral("/pictures/5.ora")); // again: moves to the front
    settings.autosaveIntervalSeconds = 30;
    settings.exportGenerationParameters = true;
    settings.windowGeometry = "geometry";
    settings.save();

    const Settings reloaded = Settings::load();
    REQUIRE(reloaded.recentFiles.size() == Settings::kMaxRecentFiles);
    CHECK(reloaded.recentFiles.first() == QStringLiteral("/pictures/5.ora"));
    CHECK(reloaded.recentFiles.count(QStringLiteral("/pictures/5.ora")) == 1);
    CHECK(reloaded.recentFiles.at(1) == QStringLiteral("/pictures/11.ora"));
    CHECK(reloaded.autosaveIntervalSeconds == 30);
    CHECK(reloaded.exportGenerationParameters);
    CHECK(reloaded.windowGeometry == "geometry");

    QSettings().setValue(QStringLiteral("project/autosaveIntervalSeconds"), -5);
    CHECK(Settings::load().autosaveIntervalSeconds == 120); // damaged value → default
}

TEST_CASE("Opening and saving projects lists them under Open Recent", "[project]") {
    ScratchProfile profile;
    QTemporaryDir dir;
    Document document;
    QWidget window;
    limner::ui::FileController files(document, &window);
    REQUIRE(files.open(ProjectFixtures::dataPath(QStringLiteral("coffee.png"))));
    const QString project = dir.filePath(QStringLiteral("kept.ora"));
    REQUIRE(files.saveTo(project));
    CHECK(files.recentFiles().first() == project);
    CHECK(Settings::load().recentFiles.first() == project);
    CHECK(files.recentFilesMenu()->actions().size() == 2);
    CHECK(document.undoStack()->isClean());
    // A project opens from the list with its layers.
    document.duplicateLayer(document.activeLayerId());
    REQUIRE(files.saveTo(project));
    Document other;
    limner::ui::FileController otherFiles(other, &window);
    REQUIRE(otherFiles.recentFilesMenu()->actions().size() == 2);
    otherFiles.recentFilesMenu()->actions().first()->trigger();
    CHECK(other.layerCount() == 2);
    CHECK(other.filePath() == project);
}

TEST_CASE("Unsaved changes are asked about: cancel keeps the work, save keeps it on disk",
          "[project]") {
    ScratchProfile profile;
    QTemporaryDir dir;
    Document document;
    QWidget window;
    limner::ui::FileController files(document, &window);
    const QString project = dir.filePath(QStringLiteral("work.ora"));
    REQUIRE(files.open(ProjectFixtures::dataPath(QStringLiteral("coffee.png"))));
    CHECK(files.confirmDiscardChanges()); // clean: no question (one would hang this test)
    REQUIRE(files.saveTo(project));
    document.duplicateLayer(document.activeLayerId());
    REQUIRE_FALSE(document.undoStack()->isClean());

    QString asked;
    answerNextMessageBox(QMessageBox::Cancel, &asked);
    CHECK_FALSE(files.confirmDiscardChanges());
    CHECK(asked.contains(QStringLiteral("work.ora")));
    CHECK(document.layerCount() == 2);
    CHECK_FALSE(document.undoStack()->isClean());

    answerNextMessageBox(QMessageBox::Save);
    CHECK(files.confirmDiscardChanges());
    CHECK(document.undoStack()->isClean());
    Document reopened;
    QString error;
    REQUIRE(ProjectFile::open(reopened, project, qint64(1) << 30, &error));
    CHECK(reopened.layerCount() == 2);

    document.duplicateLayer(document.activeLayerId());
    answerNextMessageBox(QMessageBox::Discard);
    CHECK(files.confirmDiscardChanges());
    REQUIRE(ProjectFile::open(reopened, project, qint64(1) << 30, &error));
    CHECK(reopened.layerCount() == 2); // discarding never touches the file
}

TEST_CASE("New candidates alone are unsaved work: closing asks, saving keeps them", "[project]") {
    ScratchProfile profile;
    QTemporaryDir dir;
    Document document;
    QWidget window;
    limner::ui::FileController files(document, &window);
    const QString project = dir.filePath(QStringLiteral("work.ora"));
    REQUIRE(files.open(ProjectFixtures::dataPath(QStringLiteral("coffee.png"))));
    REQUIRE(files.saveTo(project));
    CHECK(files.confirmDiscardChanges());

    // A job's candidates arrive: no undo step, but losing them loses work.
    limner::app::StagingEntry entry;
    entry.prompt = QStringLiteral("a red teapot");
    entry.seed = 7;
    entry.candidateCount = 1;
    entry.sourceCanvas = document.canvasSize();
    entry.mask = QImage(document.canvasSize(), QImage::Format_Grayscale8);
    entry.mask.fill(0);
    entry.result.region = {10, 10, 16, 16};
    limner::engine::InpaintCandidate candidate;
    candidate.layer = limner::engine::Image(16, 16, 4, 200);
    candidate.generated = limner::engine::Image(16, 16, 3, 90);
    candidate.seed = 7;
    entry.result.candidates.push_back(candidate);
    document.addStagingEntry(entry);
    REQUIRE(document.undoStack()->isClean());
    QString asked;
    answerNextMessageBox(QMessageBox::Cancel, &asked);
    CHECK_FALSE(files.confirmDiscardChanges());
    CHECK(asked.contains(QStringLiteral("work.ora")));

    answerNextMessageBox(QMessageBox::Save);
    CHECK(files.confirmDiscardChanges());
    Document reopened;
    QString error;
    REQUIRE(ProjectFile::open(reopened, project, qint64(1) << 30, &error));
    CHECK(reopened.stagingHistory().size() == 1);
    CHECK(files.confirmDiscardChanges()); // saved: no question now
}
