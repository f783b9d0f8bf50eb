// limner-bench: milliseconds per call of one engine/ml module built from a config.json with
// random weights, or seconds per image of a whole inpainting pipeline. Not a test: it prints
// figures for the performance notes.
#include "engine/ml/bench/BenchOptions.h"
#include "engine/ml/bench/ModuleBenchmark.h"
#include "engine/ml/bench/PipelineBenchmark.h"
#include "engine/ml/bench/ProcessMemory.h"
#include "engine/ml/nn/AttentionKernel.h"
#include "engine/ml/nn/AutoencoderTiling.h"
#include "engine/ml/nn/Conv2d.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <cstdio>
#include <iostream>

namespace {

using limner::engine::Status;
using namespace limner::engine::ml;

int fail(const Status& status) {
    std::cerr << "limner-bench: " << Status::codeName(status.code()) << ": " << status.message()
              << "\n";
    return status.code() == Status::Code::BadInput ? 2 : 1;
}

int runModule(const BenchOptions& options) {
    if (!options.saveFile.empty()) {
        std::int64_t parameters = 0;
        if (Status s = ModuleBenchmark::save(options, parameters); !s)
            return fail(s);
        std::printf("module %s (%s): %.2f M random parameters written to %s as %s\n",
                    options.module.c_str(), options.configDir.c_str(),
                    static_cast<double>(parameters) / 1e6, options.saveFile.c_str(),
                    c10::toString(options.saveDtype));
        return 0;
    }
    ModuleBenchmark bench;
    if (Status s = ModuleBenchmark::prepare(options, bench); !s)
        return fail(s);
    std::printf("module %s (%s), %.2f M parameters, batch %lld\n", options.module.c_str(),
                options.configDir.c_str(), static_cast<double>(bench.parameterCount()) / 1e6,
                static_cast<long long>(options.batch));
    char resident[32], peak[32];
    std::printf("resident with the weights: %s\n",
                ProcessMemory::gib(ProcessMemory::now().resident, resident));
    for (const ModuleBenchmark::Call& call : bench.calls()) {
        try {
            ProcessMemory::resetPeak();
            const double ms =
                ModuleBenchmark::millisecondsPerCall(call, options.warmup, options.iterations);
            std::printf("%-20s %10.2f ms/call   (%s; %d iterations after %d warm-up); peak resident "
                        "%s\n",
                        call.label.c_str(), ms, call.inputs.c_str(), options.iterations, options.warmup,
                        ProcessMemory::gib(ProcessMemory::now().peak, peak));
            std::fflush(stdout);
            if (options.vaeTilePixels > 0 && (options.module == "vae" || options.module == "movq")) {
                const ModuleBenchmark::TileDifference d =
                    ModuleBenchmark::tiledAgainstWhole(call, options.vaeTilePixels);
                std::printf("%-20s tiles of %lld px against the whole: PSNR %.1f dB (range %.3f, "
                            "largest difference %.4f)\n",
                            call.label.c_str(), static_cast<long long>(options.vaeTilePixels), d.psnr,
                            d.range, d.largest);
                std::fflush(stdout);
            }
        } catch (const c10::Error& e) {
            return fail(Status::internal(call.label + ": " + e.what_without_backtrace()));
        } catch (const std::exception& e) {
            return fail(Status::internal(call.label + ": " + e.what()));
        }
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    BenchOptions options;
    if (Status s = BenchOptions::parse(argc, argv, options); !s) {
        std::cerr << "limner-bench: " << s.message() << "\n" << BenchOptions::usage();
        return 2;
    }
    if (options.threads > 0)
        at::set_num_threads(options.threads);
    if (options.attentionBudgetMiB >= 0)
        AttentionKernel::setScoreBudgetBytes(options.attentionBudgetMiB << 20);
    if (options.convBandMiB >= 0)
        Conv2d::setBandBytes(options.convBandMiB << 20);
    if (options.vaeTilePixels >= 0)
        AutoencoderTiling::setTilePixels(options.vaeTilePixels);
    c10::InferenceMode inference;
    const std::int64_t tile = AutoencoderTiling::tilePixels();
    std::printf("device %s, dtype %s, threads %d, attention scores per chunk %lld MiB%s, "
                "convolution bands %lld MiB%s, autoencoder tiles %s\n",
                options.device.str().c_str(), c10::toString(options.dtype), at::get_num_threads(),
                static_cast<long long>(AttentionKernel::scoreBudgetBytes() >> 20),
                AttentionKernel::scoreBudgetBytes() <= 0 ? " (whole)" : "",
                static_cast<long long>(Conv2d::bandBytes() >> 20),
                Conv2d::bandBytes() <= 0 ? " (whole)" : "",
                tile == AutoencoderTiling::kAutomatic ? "by memory"
                : tile == 0                           ? "never"
                                                      : (std::to_string(tile) + " px").c_str());
    std::fflush(stdout);
    if (options.module == "pipeline") {
        if (Status s = PipelineBenchmark::run(options, std::cout); !s)
            return fail(s);
        return 0;
    }
    return runModule(options);
}
