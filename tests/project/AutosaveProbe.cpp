// Child process of the kill -9 test: edits a document without pause (one new layer every few
// milliseconds, its pixels a function of its number) with autosave every 50 ms, printing
// "autosaved <edits>" after each completed autosave, until it is killed.
#include "app/Document.h"
#include "app/project/Autosave.h"
#include "tests/project/ProjectFixtures.h"

#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>
#include <map>

int main(int argc, char* argv[]) {
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 2;
    limner::app::Document document;
    document.reset(ProjectFixtures::photo(QStringLiteral("astronaut.png")));
    limner::app::Autosave autosave(document, QString::fromLocal8Bit(argv[1]));
    autosave.setInterval(std::chrono::milliseconds(50));
    QTextStream out(stdout);
    // The autosave holds the document as it was at its revision, not as it is when it reports.
    std::map<quint64, int> editsAtRevision{{document.revision(), 0}};
    QObject::connect(&document, &limner::app::Document::revisionChanged,
                     [&](quint64 revision) { editsAtRevision[revision] = document.layerCount() - 1; });
    QObject::connect(&autosave, &limner::app::Autosave::autosaved,
                     [&](const QString&, quint64 revision) {
                         out << "autosaved " << editsAtRevision[revision] << Qt::endl;
                     });
    int edits = 0;
    QTimer editor;
    QObject::connect(&editor, &QTimer::timeout, [&] {
        document.addLayer(ProjectFixtures::numberedLayer(++edits), document.layerCount(), QString());
    });
    editor.start(5);
    return app.exec();
}
