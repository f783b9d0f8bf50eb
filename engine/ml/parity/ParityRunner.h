#pragma once

#include "engine/ml/parity/ParityOptions.h"

#include <ostream>
#include <set>
#include <string>

namespace limner::engine::ml {

class ParityRegistry;

// Runs every fixture (a directory holding manifest.json) found under a root directory, in path
// order, and prints one line per fixture: name, PASS/FAIL, max abs error, max rel error and the
// fixture's tolerance, followed by the reasons of a failure.
class ParityRunner {
public:
    ParityRunner(const ParityRegistry& registry, ParityOptions options);

    // Only fixtures whose component is in the set run (all when empty); the others are listed as
    // skipped, so a restricted run never looks like a complete one.
    void setOnly(std::set<std::string> components) { m_only = std::move(components); }

    // Returns the number of failed fixtures; a missing or empty root counts as one failure.
    int run(const std::string& root, std::ostream& out) const;

private:
    const ParityRegistry& m_registry;
    ParityOptions m_options;
    std::set<std::string> m_only;
};

} // namespace limner::engine::ml
