#pragma once

#include "engine/core/Status.h"

#include <ostream>

namespace limner::engine::ml {

struct BenchOptions;

// limner-bench pipeline: seconds per image of a whole inpainting run on a model folder, split
// into text tower, prior, denoising steps and autoencoder. Components without weight files get
// random weights of their config's shapes, so real model sizes can be timed from configs alone.
class PipelineBenchmark {
public:
    static Status run(const BenchOptions& options, std::ostream& out);
};

} // namespace limner::engine::ml
