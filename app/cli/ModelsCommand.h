#pragma once

#include <QString>
#include <QStringList>

namespace limner::app {
class ModelLibrary;
struct Settings;
} // namespace limner::app

namespace limner::cli {

// `limner-cli models <subcommand> …`: the model library from the command line.
//
//   limner-cli models list               every model the library sees, one line each, with
//                                        its status ("ready" or what is missing)
//   limner-cli models scan DIR           the models in one folder (a model, a folder of models,
//                                        a ComfyUI or A1111/Forge install)
//   limner-cli models info LOCATION      one model in full: components, dtypes, parameters,
//                                        size, paired prior, and the engine's check
//
// arguments: what follows "models". Returns the exit code (0 ok, 1 failure, 2 usage). The
// subcommands are a table in ModelsCommand.cpp: one more is one line there.
int runModelsCommand(const QStringList& arguments);

// The settings of the editor (limner-cli has a settings file of its own).
app::Settings editorSettings();
// The library limner-cli sees: the standard places plus the folders and prior pairings the
// editor saved (Preferences ▸ Models).
app::ModelLibrary editorLibrary();

} // namespace limner::cli
