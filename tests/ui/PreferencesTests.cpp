#include "app/Document.h"
#include "app/EngineClient.h"
#include "app/Settings.h"
#include "app/project/Autosave.h"
#include "ui/FileController.h"
#include "ui/MainWindow.h"
#include "ui/PreferencesDialog.h"
#include "ui/ProjectsPage.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtEndian>
#include <catch2/catch.hpp>

using namespace limner;

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

QAction* findAction(QMenuBar* bar, const QString& menu, const QString& text) {
    for (QAction* top : bar->actions()) {
        if (top->text().remove(QLatin1Char('&')) != menu || !top->menu())
            continue;
        for (QAction* a : top->menu()->actions()) {
            if (a->text().remove(QLatin1Char('&')) == text)
                return a;
        }
    }
    return nullptr;
}

// The text chunks of a PNG (tEXt and uncompressed iTXt), keyword → text.
QMap<QString, QString> pngTextChunks(const QString& path) {
    QFile file(path);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QByteArray png = file.readAll();
    REQUIRE(png.startsWith("\x89PNG\r\n\x1a\n"));
    QMap<QString, QString> chunks;
    for (qsizetype at = 8; at + 12 <= png.size();) {
        const quint32 length = qFromBigEndian<quint32>(png.constData() + at);
        const QByteArray type = png.mid(at + 4, 4);
        const QByteArray data = png.mid(at + 8, length);
        const qsizetype nul = data.indexOf('\0');
        if (type == "tEXt" && nul > 0)
            chunks.insert(QString::fromLatin1(data.left(nul)), QString::fromLatin1(data.mid(nul + 1)));
        if (type == "iTXt" && nul > 0 && data.at(nul + 1) == 0) {
            // keyword\0 compression flag, method, language\0, translated keyword\0, text
            qsizetype text = data.indexOf('\0', nul + 3);
            text = data.indexOf('\0', text + 1);
            chunks.insert(QString::fromLatin1(data.left(nul)), QString::fromUtf8(data.mid(text + 1)));
        }
        at += 12 + length;
    }
    return chunks;
}

// A layer that a diffusion model made, as a generation leaves it.
app::Layer modelLayer() {
    app::Layer layer;
    layer.name = QStringLiteral("generated");
    layer.pixels = QImage(120, 90, QImage::Format_ARGB32_Premultiplied);
    layer.pixels.fill(qRgba(40, 90, 160, 255));
    layer.offset = QPoint(30, 20);
    layer.generation.prompt = QStringLiteral("a lighthouse at dusk");
    layer.generation.backend = QStringLiteral("kandinsky-2-2");
    layer.generation.seed = 98765;
    layer.generation.fromTrainedModel = true;
    return layer;
}

} // namespace

TEST_CASE("Edit ▸ Preferences opens a dialog of pages, Projects first; a page is added with one call",
          "[ui][preferences]") {
    ScratchProfile profile;
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.show();
    QAction* action =
        findAction(window.menuBar(), QStringLiteral("Edit"), QStringLiteral("Preferences…"));
    REQUIRE(action);
    CHECK(action->shortcut() == QKeySequence(QKeySequence::Preferences));
    action->trigger();
    ui::PreferencesDialog* dialog = window.preferences();
    REQUIRE(dialog);
    CHECK(dialog->isVisible());
    const int pages = dialog->pageCount();
    REQUIRE(pages >= 1);
    CHECK(qobject_cast<ui::ProjectsPage*>(dialog->page(0))); // the first page

    // Defaults: autosave every 2 minutes, no parameters chunk.
    auto* minutes = dialog->findChild<QSpinBox*>(QStringLiteral("autosaveMinutes"));
    auto* parameters = dialog->findChild<QCheckBox*>(QStringLiteral("exportParameters"));
    REQUIRE(minutes);
    REQUIRE(parameters);
    CHECK(minutes->value() == 2);
    CHECK_FALSE(parameters->isChecked());

    const QString shots = QStringLiteral(LIMNER_BINARY_DIR "/screenshots");
    QDir().mkpath(shots);
    CHECK(dialog->grab().save(shots + QStringLiteral("/preferences-projects.png")));

    auto* later = new QLabel(QStringLiteral("a page added later"));
    CHECK(dialog->addPage(later, QStringLiteral("Later")) == pages);
    CHECK(dialog->pageCount() == pages + 1);
    CHECK(dialog->page(pages) == later);
    CHECK(dialog->showPage(QStringLiteral("Later")));
    CHECK(later->isVisible());
    CHECK(dialog->showPage(QStringLiteral("Projects")));

    // Triggering it again shows the same dialog, not a second one.
    dialog->close();
    action->trigger();
    CHECK(window.preferences() == dialog);
    CHECK(dialog->isVisible());
}

TEST_CASE("Changing the autosave interval in Preferences restarts the autosave timer at once",
          "[ui][preferences]") {
    ScratchProfile profile;
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    app::Autosave* autosave = window.files()->autosave();
    CHECK(autosave->interval() == std::chrono::minutes(2));
    window.showPreferences();
    auto* minutes = window.preferences()->findChild<QSpinBox*>(QStringLiteral("autosaveMinutes"));
    REQUIRE(minutes);

    minutes->setValue(7);
    CHECK(autosave->interval() == std::chrono::minutes(7));
    CHECK(app::Settings::load().autosaveIntervalSeconds == 7 * 60); // persists
    minutes->setValue(0);
    CHECK(minutes->text() == QStringLiteral("Off"));
    CHECK(autosave->interval() == std::chrono::milliseconds(0)); // off
    CHECK(app::Settings::load().autosaveIntervalSeconds == 0);
    minutes->setValue(1);
    CHECK(autosave->interval() == std::chrono::minutes(1));

    // The next window (the next start) begins with the chosen interval.
    app::Document other;
    ui::MainWindow next(other, client);
    CHECK(next.files()->autosave()->interval() == std::chrono::minutes(1));
}

TEST_CASE("The parameters checkbox in Preferences decides whether an exported PNG names prompt, "
          "seed and model",
          "[ui][preferences]") {
    ScratchProfile profile;
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    REQUIRE(window.openFile(QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png")));
    document.addLayer(modelLayer(), 1, QStringLiteral("Generate"));
    QTemporaryDir dir;

    const QString before = dir.filePath(QStringLiteral("before.png"));
    REQUIRE(window.files()->exportTo(before, -1));
    CHECK_FALSE(pngTextChunks(before).contains(QStringLiteral("parameters"))); // off by default

    window.showPreferences();
    auto* parameters = window.preferences()->findChild<QCheckBox*>(QStringLiteral("exportParameters"));
    REQUIRE(parameters);
    parameters->click();
    CHECK(app::Settings::load().exportGenerationParameters);
    const QString on = dir.filePath(QStringLiteral("on.png"));
    REQUIRE(window.files()->exportTo(on, -1));
    const QMap<QString, QString> chunks = pngTextChunks(on);
    REQUIRE(chunks.contains(QStringLiteral("parameters")));
    CHECK(chunks.value(QStringLiteral("parameters")) ==
          QStringLiteral("a lighthouse at dusk\nSeed: 98765, Model: kandinsky-2-2"));
    // The provenance XMP is there either way.
    CHECK(chunks.contains(QStringLiteral("XML:com.adobe.xmp")));
    CHECK(pngTextChunks(before).contains(QStringLiteral("XML:com.adobe.xmp")));

    parameters->click();
    CHECK_FALSE(app::Settings::load().exportGenerationParameters);
    const QString off = dir.filePath(QStringLiteral("off.png"));
    REQUIRE(window.files()->exportTo(off, -1));
    CHECK_FALSE(pngTextChunks(off).contains(QStringLiteral("parameters")));
}
