#pragma once

#include "engine/ml/nn/StateDict.h"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace limner::engine::ml {

// Hands a module its weights by state_dict name, checked and converted: a missing tensor or one
// whose shape differs from what the config implies throws ModelFormatError naming the tensor.
// sub("down_blocks.0") scopes names the way nn.Module nesting does. Every tensor handed out is
// remembered, so requireAllUsed() can refuse weights that belong to a different model.
class WeightSource {
public:
    WeightSource(const StateDict& dict, c10::Device device, c10::ScalarType dtype);

    WeightSource sub(const std::string& name) const;
    WeightSource sub(const std::string& name, std::size_t index) const;

    at::Tensor get(const std::string& name, const std::vector<std::int64_t>& shape) const;
    // First of `names` that exists (for renamed keys of older checkpoints).
    at::Tensor getAny(const std::vector<std::string>& names,
                      const std::vector<std::int64_t>& shape) const;
    bool has(const std::string& name) const;
    std::string fullName(const std::string& name) const;

    // Throws when tensors were never asked for (names ending in `ignoredSuffix` are fine:
    // non-persistent buffers that older library versions saved).
    void requireAllUsed(const std::vector<std::string>& ignoredSuffixes = {}) const;

    c10::Device device() const { return m_shared->device; }
    c10::ScalarType dtype() const { return m_shared->dtype; }

private:
    struct Shared {
        const StateDict* dict;
        c10::Device device;
        c10::ScalarType dtype;
        std::set<std::string> used;
    };
    WeightSource(std::shared_ptr<Shared> shared, std::string prefix);

    std::shared_ptr<Shared> m_shared;
    std::string m_prefix;
};

} // namespace limner::engine::ml
