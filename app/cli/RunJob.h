#pragma once

#include "engine/service/InpaintRequest.h"

#include <QString>
#include <optional>

namespace limner::app {
class EngineClient;
}

namespace limner::cli {

// Runs one engine job to its end on a private EngineClient, blocking in a local event loop (the
// CLI has nothing else to do meanwhile). Returns the result, or nothing with *failure set to the
// engine's message.
std::optional<engine::InpaintResult> runJob(const engine::InpaintRequest& request, QString* failure);
// The same on a client the caller keeps, so that a model backend loads its model once for many
// jobs (eval-mini).
std::optional<engine::InpaintResult> runJob(app::EngineClient& client,
                                            const engine::InpaintRequest& request, QString* failure);

} // namespace limner::cli
