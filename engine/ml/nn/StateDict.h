#pragma once

#include <ATen/core/Tensor.h>
#include <string>
#include <unordered_map>

namespace limner::engine::ml {

// Tensors by their exact diffusers / transformers state_dict name.
using StateDict = std::unordered_map<std::string, at::Tensor>;

} // namespace limner::engine::ml
