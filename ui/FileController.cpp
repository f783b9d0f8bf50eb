#include "ui/FileController.h"

#include "app/Document.h"
#include "app/ImageIO.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QStandardPaths>
#include <QUndoStack>
#include <QWidget>

namespace limner::ui {

FileController::FileController(app::Document& document, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_document(document)
    , m_dialogParent(dialogParent)
    , m_lastFolder(QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)) {}

QString FileController::openFilter() {
    return app::ImageIO::openFileFilter();
}

bool FileController::open(const QString& path) {
    QString error;
    const QImage image = app::ImageIO::load(path, &error);
    if (image.isNull()) {
        QMessageBox::warning(m_dialogParent, tr("Cannot open image"), error);
        return false;
    }
    m_document.reset(image, QFileInfo(path).completeBaseName());
    m_document.setFilePath(path);
    m_lastFolder = QFileInfo(path).absolutePath();
    emit opened(path);
    emit statusMessage(
        tr("Opened %1 (%2×%3)").arg(QFileInfo(path).fileName()).arg(image.width()).arg(image.height()));
    return true;
}

void FileController::openWithDialog() {
    if (!confirmDiscardChanges())
        return;
    const QString path =
        QFileDialog::getOpenFileName(m_dialogParent, tr("Open Image"), m_lastFolder, openFilter());
    if (!path.isEmpty())
        open(path);
}

bool FileController::exportTo(const QString& path, int quality) {
    QString error;
    if (!app::ImageIO::save(m_document.flatten(), path, &error, quality)) {
        QMessageBox::warning(m_dialogParent, tr("Cannot export"), error);
        return false;
    }
    // Until projects can be saved, exporting is how work is kept: the change count starts over.
    m_document.undoStack()->setClean();
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
        quality = QInputDialog::getInt(m_dialogParent, tr("Export Quality"), tr("Quality (0–100):"), 90,
                                       0, 100, 1, &ok);
        if (!ok)
            return;
    }
    m_lastFolder = QFileInfo(path).absolutePath();
    exportTo(path, quality);
}

bool FileController::confirmDiscardChanges() {
    if (m_document.undoStack()->isClean())
        return true;
    const auto answer =
        QMessageBox::question(m_dialogParent, tr("Discard changes?"),
                              tr("The picture has changes that were not exported. Discard them?"),
                              QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
    return answer == QMessageBox::Discard;
}

} // namespace limner::ui
