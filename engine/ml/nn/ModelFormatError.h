#pragma once

#include <stdexcept>
#include <string>

namespace limner::engine::ml {

// Thrown while building a module from (config, weights) when either does not describe a model
// this code implements. Every module's load() catches it and returns Status::modelFormat, so it
// never leaves engine/ml.
class ModelFormatError : public std::runtime_error {
public:
    explicit ModelFormatError(const std::string& message)
        : std::runtime_error(message) {}
};

} // namespace limner::engine::ml
