#include "app/Document.h"
#include "app/EngineClient.h"
#include "ui/FileController.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QMessageBox>
#include <QMimeData>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <QUrl>
#include <catch2/catch.hpp>

using namespace limner;

TEST_CASE("dropping an image file on the window opens it", "[ui][files]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.show();
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png"))});
    QDragEnterEvent enter(QPoint(300, 300), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    CHECK(enter.isAccepted());
    QDropEvent drop(QPointF(300, 300), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    CHECK(document.canvasSize() == QSize(600, 400));
    CHECK(document.filePath().endsWith(QStringLiteral("coffee.png")));
    CHECK(window.windowTitle().startsWith(QStringLiteral("coffee.png")));
}

TEST_CASE("a corrupt file is refused with a message and the open picture stays as it was",
          "[ui][files]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    window.show();
    REQUIRE(window.openFile(QStringLiteral(LIMNER_TEST_DATA_DIR "/chelsea.png")));
    const QImage before = document.flatten();

    QTemporaryDir dir;
    const QString broken = dir.filePath(QStringLiteral("broken.png"));
    QFile source(QStringLiteral(LIMNER_TEST_DATA_DIR "/coffee.png"));
    REQUIRE(source.open(QIODevice::ReadOnly));
    QFile out(broken);
    REQUIRE(out.open(QIODevice::WriteOnly));
    out.write(source.read(4000)); // a PNG cut off after its first few rows
    out.close();

    QString shown;
    QTimer::singleShot(0, [&shown] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            shown = box->text();
            box->done(QMessageBox::Ok);
        }
    });
    CHECK_FALSE(window.openFile(broken));
    CHECK(shown.contains(QStringLiteral("broken.png")));
    CHECK(document.flatten() == before);
    CHECK(document.filePath().endsWith(QStringLiteral("chelsea.png")));
}

TEST_CASE("export writes the flattened picture and leaves the layered work unsaved", "[ui][files]") {
    app::Document document;
    app::EngineClient client;
    ui::MainWindow window(document, client);
    REQUIRE(window.openFile(QStringLiteral(LIMNER_TEST_DATA_DIR "/chelsea.png")));
    document.duplicateLayer(document.activeLayerId());
    document.setLayerOpacity(document.layers().back().id, 0.5);
    CHECK_FALSE(document.undoStack()->isClean());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.png"));
    REQUIRE(window.files()->exportTo(path, -1));
    const QImage written(path);
    CHECK(written.convertToFormat(QImage::Format_ARGB32_Premultiplied) == document.flatten());
    // An export keeps only the flattened picture; closing must still offer to save the layers.
    CHECK_FALSE(document.undoStack()->isClean());
}
