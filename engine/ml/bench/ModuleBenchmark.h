#pragma once

#include "engine/core/Status.h"

#include <ATen/core/Tensor.h>
#include <functional>
#include <string>
#include <vector>

namespace limner::engine::ml {

struct BenchOptions;

// One module of limner-bench, built from a config.json with random weights, with inputs of the
// requested size: a list of calls to time (the VAE and MoVQ have two, encode and decode).
class ModuleBenchmark {
public:
    struct Call {
        std::string label;  // "unet forward", "vae decode", ...
        std::string inputs; // the input shapes, for the report
        std::function<at::Tensor()> run;
    };

    static Status prepare(const BenchOptions& options, ModuleBenchmark& out);
    // Builds the module as prepare() does and writes its random weights to options.saveFile in
    // options.saveDtype, by their state_dict names.
    static Status save(const BenchOptions& options, std::int64_t& parameterCount);

    const std::vector<Call>& calls() const { return m_calls; }
    std::int64_t parameterCount() const { return m_parameterCount; }

    // Milliseconds per call after `warmup` untimed calls; the device is synchronised before the
    // clock starts and after the last call, so queued GPU work is counted.
    static double millisecondsPerCall(const Call& call, int warmup, int iterations);

    // How far `call` computed with autoencoder tiles of tilePixels is from the whole computation:
    // PSNR over the whole result's peak-to-peak range, and the largest difference.
    struct TileDifference {
        double psnr = 0, range = 0, largest = 0;
    };
    static TileDifference tiledAgainstWhole(const Call& call, std::int64_t tilePixels);

private:
    std::vector<Call> m_calls;
    std::int64_t m_parameterCount = 0;
};

} // namespace limner::engine::ml
