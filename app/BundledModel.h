#pragma once

#include <QString>

namespace limner::app {

// limner-mini, the model that ships with Limner (resources/models/limner-mini), found in this
// order: the folder named by $LIMNER_BUNDLED_MODEL; <executable>/../share/limner/models/limner-mini
// (an installed Limner); the source tree's resources/models/limner-mini (a build tree). A folder
// counts when it has a model_index.json. Returns an empty string when there is none.
// Needs a QCoreApplication (for the executable's location).
QString bundledModelFolder();

} // namespace limner::app
