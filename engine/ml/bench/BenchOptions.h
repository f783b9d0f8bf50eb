#pragma once

#include "engine/core/Status.h"

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <cstdint>
#include <string>
#include <vector>

namespace limner::engine::ml {

// The command line of limner-bench. Sizes left at 0 take the module's natural default (see
// usage()).
struct BenchOptions {
    std::string module; // unet, vae, movq, clip-text, clip-vision, prior, pipeline
    std::string configDir;
    std::string modelDir; // pipeline: a model folder
    std::int64_t height = 0;
    std::int64_t width = 0;
    std::int64_t batch = 1;
    int iterations = 10;
    int warmup = 2;
    int steps = 50;         // pipeline
    int priorSteps = 25;    // pipeline, Kandinsky's prior
    double guidance = 4.0;  // pipeline
    std::uint64_t seed = 0; // random weights and inputs
    int threads = 0;        // intra-op threads; 0 = libtorch's default, as the editor's engine runs
    std::int64_t attentionBudgetMiB = -1; // -1: the engine's default; 0: whole products
    std::int64_t convBandMiB = -1;        // -1: the engine's default; 0: whole convolutions
    std::int64_t vaeTilePixels = -1;      // -1: the engine's default (by memory); 0: never tiled
    std::string saveFile; // single modules: write the random weights there instead of timing
    c10::ScalarType saveDtype = c10::kFloat;
    c10::Device device = c10::Device(c10::kCPU);
    c10::ScalarType dtype = c10::kFloat;
    // --compare: variants of one module timed side by side in one run, call by call in turn
    // (dtype, intra-op threads and OpenBLAS threads; 0 = the engine's choice). Empty: none.
    struct Variant {
        c10::ScalarType dtype = c10::kFloat;
        int threads = 0;
        int blasThreads = 0;            // OpenBLAS's threads; 0 = the engine's choice (1)
        bool chunkedAttention = false;  // the attention product before blocks (AttentionKernel)
        bool plainConvolutions = false; // convolution weights not packed at load (Conv2d)
        std::string moduleKey() const;  // variants with equal keys share one built module
        std::string label;
    };
    std::vector<Variant> compare;
    bool profile = false; // single modules: each call once more under libtorch's profiler

    static Status parse(int argc, char** argv, BenchOptions& out);
    static const char* usage();
};

} // namespace limner::engine::ml
