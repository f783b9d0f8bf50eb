#include "engine/ml/bench/PipelineBenchmark.h"

#include "engine/ml/bench/BenchOptions.h"
#include "engine/ml/nn/RandomWeightScope.h"
#include "engine/ml/pipelines/InpaintPipeline.h"

#include <ATen/ATen.h>
#include <chrono>
#include <cstdio>

namespace limner::engine::ml {

Status PipelineBenchmark::run(const BenchOptions& o, std::ostream& out) {
    std::unique_ptr<InpaintPipeline> pipeline;
    {
        RandomWeightScope random(o.seed);
        const auto start = std::chrono::steady_clock::now();
        if (Status s = InpaintPipeline::load(o.modelDir, o.device, o.dtype, pipeline); !s)
            return s;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        char line[200];
        std::snprintf(line, sizeof line, "%s model loaded in %.2f s (%.1f M random parameters)\n",
                      pipeline->familyName(), seconds,
                      static_cast<double>(random.parameterCount()) / 1e6);
        out << line;
    }
    const std::int64_t h = o.height > 0 ? o.height : pipeline->nativeSize();
    const std::int64_t w = o.width > 0 ? o.width : pipeline->nativeSize();
    InpaintTensors in;
    in.image = at::rand({1, 3, h, w});
    in.mask = at::zeros({1, 1, h, w});
    in.mask.slice(2, h / 4, 3 * h / 4).slice(3, w / 4, 3 * w / 4).fill_(1.0);
    InpaintParameters p;
    p.prompt = "a wooden table in a sunlit room";
    p.steps = o.steps;
    p.guidanceScale = o.guidance;
    p.candidates = static_cast<int>(o.batch);
    p.seed = o.seed;
    for (int i = 0; i < o.warmup + o.iterations; ++i) {
        InpaintOutput result;
        const auto start = std::chrono::steady_clock::now();
        if (Status s = pipeline->run(in, p, {}, result); !s)
            return s;
        const double total =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const InpaintTimings& t = result.timings;
        char line[300];
        std::snprintf(
            line, sizeof line,
            "%s %lldx%lld, %d steps, guidance %.1f, %d image(s): %.3f s per image (total %.3f s: text "
            "%.3f, prior %.3f, decoder steps %.3f = %.1f ms/step, autoencoder %.3f)\n",
            i < o.warmup ? "warm-up" : "run    ", static_cast<long long>(w), static_cast<long long>(h),
            o.steps, o.guidance, p.candidates, total / p.candidates, total, t.text, t.prior, t.denoise,
            1000.0 * t.denoise / o.steps, t.autoencoder);
        out << line;
    }
    return Status::ok();
}

} // namespace limner::engine::ml
