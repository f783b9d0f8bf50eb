#include "ui/FileController.h"

#include "app/Document.h"
#include "app/ImageIO.h"
#include "app/project/Autosave.h"
#include "app/project/ImageExporter.h"
#include "app/project/ProjectFile.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QUndoStack>
#include <QWidget>

namespace limner::ui {

FileController::FileController(app::Document& document, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_document(document)
    , m_dialogParent(dialogParent)
    , m_lastFolder(QStandardPaths::writableLocation(QStandardPaths::PicturesLocation))
    , m_settings(app::Settings::load())
    , m_autosave(new app::Autosave(document, app::Autosave::defaultRecoveryFolder(), this))
    , m_recentMenu(new QMenu(tr("Open &Recent"), dialogParent)) {
    m_autosave->setInterval(std::chrono::seconds(m_settings.autosaveIntervalSeconds));
    connect(m_autosave, &app::Autosave::failed, this, &FileController::statusMessage);
    connect(&m_document, &app::Document::stagingChanged, this, [this] { m_stagingUnsaved = true; });
    rebuildRecentMenu();
}

FileController::~FileController() = default;

QString FileController::openFilter() {
    const QString images = app::ImageIO::openFileFilter();
    // "Images (*.png …)" → "Pictures and projects (*.ora *.png …)", then each on its own.
    const QString patterns = images.section(QLatin1Char('('), 1).chopped(1);
    return tr("Pictures and projects (*.ora %1);;%2;;%3")
        .arg(patterns, app::ProjectFile::fileFilter(), images);
}

bool FileController::open(const QString& path) {
    QString error;
    QStringList warnings;
    QSize size;
    if (app::ProjectFile::isProjectPath(path)) {
        if (!app::ProjectFile::open(m_document, path, m_settings.decodeLimitBytes, &error, &warnings)) {
            QMessageBox::warning(m_dialogParent, tr("Cannot open project"), error);
            return false;
        }
        size = m_document.canvasSize();
    } else {
        const QImage image = app::ImageIO::load(path, &error, m_settings.decodeLimitBytes);
        if (image.isNull()) {
            QMessageBox::warning(m_dialogParent, tr("Cannot open image"), error);
            return false;
        }
        m_document.reset(image, QFileInfo(path).completeBaseName());
        m_document.setFilePath(path);
        size = image.size();
    }
    m_autosave->discard(); // the previous document's autosave no longer applies
    m_stagingUnsaved = false;
    m_lastFolder = QFileInfo(path).absolutePath();
    rememberRecent(path);
    emit opened(path);
    QString text =
        tr("Opened %1 (%2×%3)").arg(QFileInfo(path).fileName()).arg(size.width()).arg(size.height());
    if (!warnings.isEmpty())
        text += QStringLiteral(" — ") + warnings.join(QStringLiteral("; "));
    emit statusMessage(text);
    return true;
}

void FileController::openWithDialog() {
    if (!confirmDiscardChanges())
        return;
    const QString path =
        QFileDialog::getOpenFileName(m_dialogParent, tr("Open"), m_lastFolder, openFilter());
    if (!path.isEmpty())
        open(path);
}

bool FileController::save() {
    if (app::ProjectFile::isProjectPath(m_document.filePath()))
        return saveTo(m_document.filePath());
    return saveAs();
}

bool FileController::saveAs() {
    if (m_document.canvasSize().isEmpty())
        return false;
    const QFileInfo current(m_document.filePath());
    const QString base = m_document.filePath().isEmpty() ? tr("untitled") : current.completeBaseName();
    QString path =
        QFileDialog::getSaveFileName(m_dialogParent, tr("Save Project"),
                                     m_lastFolder + QLatin1Char('/') + base + QStringLiteral(".ora"),
                                     app::ProjectFile::fileFilter());
    if (path.isEmpty())
        return false;
    if (!app::ProjectFile::isProjectPath(path))
        path += QStringLiteral(".ora");
    return saveTo(path);
}

bool FileController::saveTo(const QString& path) {
    QString error;
    if (!app::ProjectFile::save(m_document, path, &error)) {
        QMessageBox::warning(m_dialogParent, tr("Cannot save"),
                             error +
                                 tr("\n\nYour changes are still open here; save them somewhere else."));
        return false;
    }
    m_autosave->discard();
    m_stagingUnsaved = false;
    m_lastFolder = QFileInfo(path).absolutePath();
    rememberRecent(path);
    emit saved(path);
    emit statusMessage(tr("Saved %1").arg(QFileInfo(path).fileName()));
    return true;
}

bool FileController::exportTo(const QString& path, int quality) {
    QString error;
    // Read now, not at start-up: Preferences may have changed them since.
    app::ImageExporter::Options options = app::ImageExporter::optionsFromSettings();
    options.quality = quality;
    if (!app::ImageExporter::exportImage(m_document, path, options, &error)) {
        QMessageBox::warning(m_dialogParent, tr("Cannot export"), error);
        return false;
    }
    // An export keeps only the flattened picture, not the layers: the document stays unsaved.
    emit statusMessage(tr("Exported %1").arg(QFileInfo(path).fileName()));
    return true;
}

void FileController::exportWithDialog() {
    if (m_document.canvasSize().isEmpty())
        return;
    const QString base = m_document.filePath().isEmpty()
                             ? tr("untitled")
                             : QFileInfo(m_document.filePath()).completeBaseName();
    QString filter;
    const QString path = QFileDialog::getSaveFileName(
        m_dialogParent, tr("Export Image"), m_lastFolder + QLatin1Char('/') + base + tr("-edited.png"),
        app::ImageIO::saveFileFilter(), &filter);
    if (path.isEmpty())
        return;
    int quality = -1;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg") ||
        suffix == QLatin1String("webp")) {
        bool ok = false;
        quality = QInputDialog::getInt(m_dialogParent, tr("Export Quality"), tr("Quality (0–100):"),
                                       m_settings.exportQuality, 0, 100, 1, &ok);
        if (!ok)
            return;
    }
    m_lastFolder = QFileInfo(path).absolutePath();
    exportTo(path, quality);
}

bool FileController::confirmDiscardChanges() {
    if (m_document.undoStack()->isClean() && !m_stagingUnsaved)
        return true;
    const QString name = m_document.filePath().isEmpty() ? tr("The picture")
                                                         : QFileInfo(m_document.filePath()).fileName();
    const auto answer = QMessageBox::question(
        m_dialogParent, tr("Save changes?"),
        tr("%1 has changes that were not saved. Save them as a project?").arg(name),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return save();
    if (answer == QMessageBox::Discard) {
        m_autosave->discard();
        return true;
    }
    return false;
}

void FileController::offerRecovery() {
    const QList<app::Autosave::Recoverable> found = app::Autosave::findRecoverable();
    if (found.isEmpty())
        return;
    const app::Autosave::Recoverable& newest = found.first();
    const QString what = newest.originalPath.isEmpty() ? tr("an untitled picture")
                                                       : QFileInfo(newest.originalPath).fileName();
    QMessageBox box(
        QMessageBox::Question, tr("Recover unsaved work?"),
        tr("Limner did not close normally. Recover the changes to %1 autosaved at %2?")
            .arg(what, QLocale().toString(newest.savedAt.toLocalTime(), QLocale::ShortFormat)),
        QMessageBox::NoButton, m_dialogParent);
    QPushButton* recover = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
    box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
    box.exec();
    if (box.clickedButton() == recover) {
        QString error;
        if (!app::ProjectFile::open(m_document, newest.projectPath, m_settings.decodeLimitBytes,
                                    &error)) {
            QMessageBox::warning(m_dialogParent, tr("Cannot recover"), error);
            return; // the files stay, so nothing is lost
        }
        m_document.setFilePath(
            app::ProjectFile::isProjectPath(newest.originalPath) ? newest.originalPath : QString());
        m_document.undoStack()->resetClean(); // recovered work is not saved yet
        emit opened(m_document.filePath());
        emit statusMessage(tr("Recovered %1").arg(what));
    }
    // Older crashed sessions, if any, are offered at the next start.
    app::Autosave::remove(newest);
}

void FileController::rememberRecent(const QString& path) {
    m_settings = app::Settings::load(); // another window may have changed other settings
    m_settings.addRecentFile(QFileInfo(path).absoluteFilePath());
    m_settings.save();
    rebuildRecentMenu();
}

void FileController::rebuildRecentMenu() {
    m_recentMenu->clear();
    for (const QString& path : m_settings.recentFiles) {
        m_recentMenu
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path] {
                            if (confirmDiscardChanges())
                                open(path);
                        })
            ->setToolTip(QDir::toNativeSeparators(path));
    }
    m_recentMenu->setEnabled(!m_settings.recentFiles.isEmpty());
}

} // namespace limner::ui
