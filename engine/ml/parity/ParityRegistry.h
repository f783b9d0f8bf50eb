#pragma once

#include "engine/core/Status.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace limner::engine::ml {

class ParityFixture;
class ParityResult;
struct ParityOptions;

// Maps a manifest's "component" to the code that runs it.
//
// A kind reads what it needs from the fixture, runs the C++ implementation with the options'
// device and dtype, and calls result.compare() for EVERY output listed in the manifest. It
// returns a non-ok Status when it cannot run (bad config, missing tensor): the fixture fails
// with that message.
//
// Adding kinds: tokenizer and scheduler kinds are registered by registerBuiltinParityKinds().
// Model kinds live with the models: a library target named `limner_ml_nn_parity` (for example
// in engine/ml/nn/parity/) that defines registerModelParityKinds() from ModelParityKinds.h is
// linked into limner-parity automatically when the target exists.
class ParityRegistry {
public:
    using Kind = std::function<Status(const ParityFixture&, const ParityOptions&, ParityResult&)>;

    // Refuses (returns false) a component that is already registered.
    bool add(const std::string& component, Kind kind);
    const Kind* find(const std::string& component) const;
    std::vector<std::string> components() const;

private:
    std::map<std::string, Kind> m_kinds;
};

// Registers clip_tokenizer and scheduler.
void registerBuiltinParityKinds(ParityRegistry& registry);

} // namespace limner::engine::ml
