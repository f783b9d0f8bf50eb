#include "app/Document.h"
#include "app/EngineClient.h"
#include "engine/service/Engine.h"
#include "ui/FileController.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char* argv[]) {
    limner::engine::Engine::startProcess(argv); // may start the process again (CpuCompute)
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Limner"));
    QApplication::setOrganizationName(QStringLiteral("Limner"));
    QApplication::setApplicationVersion(QStringLiteral(LIMNER_VERSION));
    // Wayland compositors find the window's icon and name through the desktop file.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.limner.Limner"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Limner, an image editor for inpainting and outpainting"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("image"), QStringLiteral("An image to open."));
    parser.process(app);

    limner::app::Document document;
    limner::app::EngineClient engine;
    limner::ui::MainWindow window(document, engine);
    window.show();
    window.files()->offerRecovery(); // after a crash: the last autosave, before anything else
    if (!parser.positionalArguments().isEmpty())
        window.openFile(parser.positionalArguments().first());
    return app.exec();
}
