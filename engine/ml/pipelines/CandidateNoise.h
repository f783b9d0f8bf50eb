#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <cstdint>
#include <vector>

namespace limner::engine::ml {

// The randomness of one job. Candidate i draws from its own CPU generator seeded with seed + i,
// so a candidate can be reproduced alone and the numbers do not depend on the device; shared
// draws (the VAE posterior of the masked image) come from a fixed generator of their own.
class CandidateNoise {
public:
    CandidateNoise(std::uint64_t seed, int candidates);

    // Standard normal [candidates, rowShape...], float32 on the CPU; row i from generator i.
    at::Tensor draw(at::IntArrayRef rowShape);
    // Standard normal of `shape`, float32 on the CPU, from the shared generator.
    at::Tensor drawShared(at::IntArrayRef shape);

    const std::vector<std::uint64_t>& seeds() const { return m_seeds; }

private:
    std::vector<at::Generator> m_generators;
    at::Generator m_shared;
    std::vector<std::uint64_t> m_seeds;
};

} // namespace limner::engine::ml
