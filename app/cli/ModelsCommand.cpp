#include "app/cli/ModelsCommand.h"

#include "app/Settings.h"
#include "app/cli/DownloadCommand.h"
#include "app/library/LibraryEntry.h"
#include "app/library/LibraryRoots.h"
#include "app/library/ModelLibrary.h"
#include "engine/service/Engine.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QTextStream>
#include <algorithm>
#include <cstdio>

namespace limner::cli {

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

QTextStream& out() {
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err() {
    static QTextStream stream(stderr);
    return stream;
}

int usageError(const QString& message) {
    err() << "limner-cli: " << message << " (see limner-cli models help)" << Qt::endl;
    return kExitUsage;
}

int failure(const QString& message) {
    err() << "limner-cli: " << message << Qt::endl;
    return kExitFailure;
}

// One line each: name, family, parameters, stored precision, size, status, then where it lives.
void printEntries(const QVector<app::LibraryEntry>& entries) {
    int widths[5] = {4, 6, 10, 9, 4};
    const auto columns = [](const app::LibraryEntry& e) {
        return QStringList{e.name, e.family.isEmpty() ? QStringLiteral("–") : e.family,
                           app::LibraryEntry::parametersText(e.parameters),
                           e.storedDtype.isEmpty() ? QStringLiteral("–") : e.storedDtype,
                           app::LibraryEntry::bytesText(e.bytesOnDisk)};
    };
    for (const app::LibraryEntry& entry : entries) {
        const QStringList c = columns(entry);
        for (int i = 0; i < 5; ++i)
            widths[i] = std::max(widths[i], static_cast<int>(c[i].size()));
    }
    const QStringList header{QStringLiteral("NAME"), QStringLiteral("FAMILY"),
                             QStringLiteral("PARAMETERS"), QStringLiteral("STORED AS"),
                             QStringLiteral("SIZE")};
    const auto line = [&](const QStringList& c, const QString& status, const QString& where) {
        for (int i = 0; i < 5; ++i)
            out() << c[i].leftJustified(widths[i]) << "  ";
        out() << status << "  " << where << '\n';
    };
    line(header, QStringLiteral("STATUS"), QStringLiteral("WHERE"));
    for (const app::LibraryEntry& entry : entries)
        line(columns(entry), entry.statusText(),
             QStringLiteral("(%1: %2)").arg(entry.source, entry.location));
    out().flush();
}

int listModels(const QStringList& arguments) {
    if (!arguments.isEmpty())
        return usageError(QStringLiteral("models list takes no arguments"));
    const QVector<app::LibraryEntry> entries = editorLibrary().scan();
    if (entries.isEmpty()) {
        const app::LibraryRoots roots = editorLibrary().roots();
        out() << "No models found in " << roots.hubCaches.join(QStringLiteral(", "))
              << " or any ComfyUI, A1111/Forge or added folder.\n";
        out().flush();
        return 0;
    }
    printEntries(entries);
    return 0;
}

int scanFolder(const QStringList& arguments) {
    if (arguments.size() != 1)
        return usageError(QStringLiteral("models scan takes one folder: limner-cli models scan DIR"));
    const QFileInfo folder(arguments.first());
    if (!folder.isDir())
        return failure(QStringLiteral("%1 is not a folder").arg(arguments.first()));
    const QString path = QDir::cleanPath(folder.absoluteFilePath());
    const app::Settings settings = editorSettings();
    app::LibraryRoots roots;
    // The standard caches are read for the priors of Kandinsky decoders in the folder.
    roots.hubCaches = app::LibraryRoots::standard(QDir::homePath()).hubCaches;
    const QString kind = app::LibraryRoots::installKind(path);
    if (kind == QLatin1String("ComfyUI"))
        roots.comfyUi << path;
    else if (!kind.isEmpty())
        roots.webUi << path;
    else
        roots.folders << path;
    QVector<app::LibraryEntry> entries = app::ModelLibrary(roots, settings.modelPriors).scan();
    const auto outside = [&](const app::LibraryEntry& e) {
        const QString key = e.pairingKey();
        return e.source == QLatin1String("Hugging Face cache") ||
                       e.source == QLatin1String("diffusers cache (old)")
                   ? key != path && !key.startsWith(path + QLatin1Char('/'))
                   : false;
    };
    entries.erase(std::remove_if(entries.begin(), entries.end(), outside), entries.end());
    if (entries.isEmpty()) {
        out() << "No models found in " << path << ".\n";
        out().flush();
        return 0;
    }
    printEntries(entries);
    return 0;
}

int modelInfo(const QStringList& arguments) {
    if (arguments.size() != 1)
        return usageError(QStringLiteral("models info takes one model: a folder, a file, a repo id "
                                         "or a name from limner-cli models list"));
    app::LibraryEntry e;
    if (!editorLibrary().lookup(arguments.first(), e))
        return failure(QStringLiteral("%1 is not a model folder, a model file, a repo id in the "
                                      "Hugging Face cache or a name from limner-cli models list")
                           .arg(arguments.first()));
    const QLocale locale;
    QTextStream& o = out();
    o << "name:        " << e.name << '\n';
    o << "kind:        " << e.kindText() << " (" << e.source << ")\n";
    o << "location:    " << e.location << '\n';
    if (!e.snapshot.isEmpty() && e.snapshot != e.location)
        o << "snapshot:    " << e.snapshot << '\n';
    o << "family:      " << (e.family.isEmpty() ? QStringLiteral("unknown") : e.family) << '\n';
    o << "parameters:  " << locale.toString(e.parameters) << " ("
      << app::LibraryEntry::parametersText(e.parameters) << ")\n";
    o << "stored as:   " << (e.storedDtype.isEmpty() ? QStringLiteral("–") : e.storedDtype) << '\n';
    o << "on disk:     " << app::LibraryEntry::bytesText(e.bytesOnDisk) << " ("
      << locale.toString(e.bytesOnDisk) << " bytes)\n";
    if (e.pairsWithPrior) {
        QString prior = e.priorFolder.isEmpty() ? QStringLiteral("none found") : e.priorFolder;
        if (e.priorRemembered)
            prior += QStringLiteral(" (chosen in Preferences ▸ Models)");
        else if (!e.priorFolder.isEmpty())
            prior += QStringLiteral(" (%1, named by its model card)").arg(e.priorRepoWanted);
        else if (!e.priorRepoWanted.isEmpty())
            prior += QStringLiteral(" (its model card names %1)").arg(e.priorRepoWanted);
        o << "prior:       " << prior << '\n';
    }
    o << "status:      " << e.statusText() << '\n';
    if (!e.components.isEmpty()) {
        o << "components:\n";
        int width = 0;
        for (const app::LibraryEntry::Component& c : e.components)
            width = std::max(width, static_cast<int>(c.name.size()));
        for (const app::LibraryEntry::Component& c : e.components)
            o << "  " << c.name.leftJustified(width) << "  "
              << app::LibraryEntry::parametersText(c.parameters).rightJustified(8) << "  "
              << c.storedDtype.leftJustified(9) << "  "
              << app::LibraryEntry::bytesText(c.bytes).rightJustified(9) << "  "
              << c.files.join(QStringLiteral(", ")) << '\n';
    }
    if (!e.isReady()) {
        o.flush();
        return 0;
    }
    // The engine's own check: every module built as loading would (no tensor data read).
    std::string backend;
    engine::ModelDescription description;
    const engine::Status s =
        engine::Engine::addModel(e.location.toStdString(), backend, &description,
                                 e.pairsWithPrior ? e.priorFolder.toStdString() : std::string());
    if (!s) {
        o << "engine:      " << QString::fromStdString(s.message()) << '\n';
        o.flush();
        return kExitFailure;
    }
    o << "engine:      loads as " << QString::fromStdString(description.family) << ", works at "
      << description.nativeSize << " px"
      << (description.acceptsPrompt ? ", follows prompts" : ", no text prompt")
      << (description.acceptsImagePrompts ? ", takes image prompts" : "") << '\n';
    o.flush();
    return 0;
}

int printHelp(const QStringList&);

struct Subcommand {
    const char* name;
    const char* usage;
    int (*run)(const QStringList& arguments);
};

// One line per subcommand.
// download and suggested: DownloadCommand (the downloader) takes the verb and its arguments.
int downloadModel(const QStringList& arguments);
int listSuggested(const QStringList& arguments);

const Subcommand kSubcommands[] = {
    {"list", "models list                every model Limner can see, with its status", &listModels},
    {"scan", "models scan DIR            the models in one folder or ComfyUI/A1111 install",
     &scanFolder},
    {"info", "models info LOCATION       one model in full (a folder, a file, a repo id or a name)",
     &modelInfo},
    {"download", "models download ORG/NAME[@REV]  from the Hugging Face hub into its cache",
     &downloadModel},
    {"suggested", "models suggested           models to download, with their sizes", &listSuggested},
    {"help", "models help                this list", &printHelp},
};

int runDownloader(const QString& verb, const QStringList& arguments) {
    DownloadCommand command;
    command.arguments = QStringList{verb} + arguments;
    QTextStream out(stdout), err(stderr);
    return command.run(out, err);
}

int downloadModel(const QStringList& arguments) {
    return runDownloader(QStringLiteral("download"), arguments);
}

int listSuggested(const QStringList& arguments) {
    return runDownloader(QStringLiteral("suggested"), arguments);
}

int printHelp(const QStringList&) {
    out() << "Usage:\n";
    for (const Subcommand& sub : kSubcommands)
        out() << "  limner-cli " << sub.usage << '\n';
    out().flush();
    return 0;
}

} // namespace

app::Settings editorSettings() {
    return app::Settings::load(QStringLiteral("Limner"), QStringLiteral("Limner"));
}

app::ModelLibrary editorLibrary() {
    const app::Settings settings = editorSettings();
    return app::ModelLibrary(app::LibraryRoots::fromSettings(settings, QDir::homePath()),
                             settings.modelPriors);
}

int runModelsCommand(const QStringList& arguments) {
    if (arguments.isEmpty())
        return usageError(QStringLiteral("models needs a subcommand: list, scan DIR, info LOCATION"));
    for (const Subcommand& sub : kSubcommands) {
        if (arguments.first() == QLatin1String(sub.name))
            return sub.run(arguments.mid(1));
    }
    return usageError(QStringLiteral("unknown subcommand 'models %1'").arg(arguments.first()));
}

} // namespace limner::cli
