#include "engine/ml/pipelines/CandidateNoise.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

namespace limner::engine::ml {

CandidateNoise::CandidateNoise(std::uint64_t seed, int candidates)
    // The shared stream does not depend on the seed, so candidate i of a batch is reproduced
    // exactly by a run of one candidate with seed + i.
    : m_shared(at::detail::createCPUGenerator(0x9E3779B97F4A7C15ULL)) {
    for (int i = 0; i < candidates; ++i) {
        m_seeds.push_back(seed + static_cast<std::uint64_t>(i));
        m_generators.push_back(at::detail::createCPUGenerator(m_seeds.back()));
    }
}

at::Tensor CandidateNoise::draw(at::IntArrayRef rowShape) {
    std::vector<at::Tensor> rows;
    std::vector<std::int64_t> shape{1};
    shape.insert(shape.end(), rowShape.begin(), rowShape.end());
    for (at::Generator& g : m_generators)
        rows.push_back(at::randn(shape, g, at::TensorOptions().dtype(at::kFloat)));
    return at::cat(rows, 0);
}

at::Tensor CandidateNoise::drawShared(at::IntArrayRef shape) {
    return at::randn(shape, m_shared, at::TensorOptions().dtype(at::kFloat));
}

} // namespace limner::engine::ml
