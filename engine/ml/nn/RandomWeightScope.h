#pragma once

#include "engine/ml/nn/StateDict.h"

#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>
#include <vector>

namespace limner::engine::ml {

// While an instance is alive on the current thread, a module's load() that finds a tensor
// missing from its weights gets a random one of the shape its config implies instead of failing.
// This builds a model of any configuration without weights on disk, for benchmarks and memory
// estimates:
//
//     RandomWeightScope random(seed);
//     UNet2DConditionModel unet;
//     UNet2DConditionModel::load(config, StateDict{}, device, dtype, unet);
//
// Values follow the parity fixtures' recipe (weights N(0, 1/fan_in), biases N(0, 0.05²), norm
// weights near 1), so activations keep a realistic scale. Tensors that are present in the
// weights are used as they are.
// Requirements: scopes nest per thread; the innermost one is used.
class RandomWeightScope {
public:
    explicit RandomWeightScope(std::uint64_t seed);
    ~RandomWeightScope();
    RandomWeightScope(const RandomWeightScope&) = delete;
    RandomWeightScope& operator=(const RandomWeightScope&) = delete;

    // The innermost scope of this thread, or nullptr.
    static RandomWeightScope* current();

    // A float32 CPU tensor for the weight called `name`.
    at::Tensor make(const std::string& name, const std::vector<std::int64_t>& shape);
    // Parameters handed out so far.
    std::int64_t parameterCount() const { return m_parameterCount; }
    // Also keeps every tensor handed out in `into` by its full name (the modules share them), so
    // a trainer can own and update the very tensors a freshly built module computes with.
    void recordInto(StateDict* into) { m_record = into; }

private:
    at::Generator m_generator;
    RandomWeightScope* m_outer = nullptr;
    std::int64_t m_parameterCount = 0;
    StateDict* m_record = nullptr;
};

} // namespace limner::engine::ml
