// Child process of the save fault-injection test: builds the layered test document, makes one
// more edit and saves it over the project given on the command line, reporting the outcome on
// stdout ("saved" or the error, then "clean=0/1").
#include "app/Document.h"
#include "app/project/ProjectFile.h"
#include "tests/project/ProjectFixtures.h"

#include <QCoreApplication>
#include <QTextStream>
#include <QUndoStack>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 2;
    limner::app::Document document;
    ProjectFixtures::buildLayeredDocument(document);
    document.setLayerOpacity(document.layers().front().id, 0.5);
    QString error;
    const bool saved =
        limner::app::ProjectFile::save(document, QString::fromLocal8Bit(argv[1]), &error);
    QTextStream out(stdout);
    out << (saved ? QStringLiteral("saved") : error) << "\nclean=" << document.undoStack()->isClean()
        << Qt::endl;
    return saved ? 0 : 1;
}
