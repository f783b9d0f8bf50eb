#pragma once

#include "engine/core/Status.h"

#include <string>

namespace limner::engine::ml {

// Call inside a catch (...) block at a pipeline's edge: turns the exception in flight into a
// Status (device out-of-memory → OutOfMemory with advice, other c10::Error and std::exception →
// Internal with their message), so no exception leaves engine/ml.
Status statusFromCurrentException(const std::string& context);

} // namespace limner::engine::ml
