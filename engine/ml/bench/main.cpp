// limner-bench: milliseconds per call of one engine/ml module built from a config.json with
// random weights, or seconds per image of a whole inpainting pipeline. Not a test: it prints
// figures for the performance notes.
#include "engine/ml/bench/BenchClock.h"
#include "engine/ml/bench/BenchOptions.h"
#include "engine/ml/bench/ModuleBenchmark.h"
#include "engine/ml/bench/OpProfile.h"
#include "engine/ml/bench/PipelineBenchmark.h"
#include "engine/ml/bench/ProcessMemory.h"
#include "engine/ml/nn/AttentionKernel.h"
#include "engine/ml/nn/AutoencoderTiling.h"
#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/nn/CpuCompute.h"

#include <ATen/Parallel.h>
#include <algorithm>
#include <c10/core/InferenceMode.h>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <vector>

namespace {

using limner::engine::Status;
using namespace limner::engine::ml;

int fail(const Status& status) {
    std::cerr << "limner-bench: " << Status::codeName(status.code()) << ": " << status.message()
              << "\n";
    return status.code() == Status::Code::BadInput ? 2 : 1;
}

// --compare: each variant's module built once per dtype; then, round after round, one call of
// each variant in turn, so a machine's changing load falls on all of them alike.
int runComparison(const BenchOptions& options) {
    const int engineThreads = CpuCompute::applyUserChoice();
    // OpenBLAS's own count cannot be read back portably: as applyUserChoice() sets it (its
    // default, a thread per core, when libtorch's defaults are kept).
    const int engineBlas = std::getenv("LIMNER_THREADS") && !CpuCompute::threadsSleepWhileWaiting()
                               ? 1
                               : CpuCompute::usableCores();
    std::map<std::string, ModuleBenchmark> modules;
    for (const BenchOptions::Variant& v : options.compare) {
        if (modules.count(v.moduleKey()))
            continue;
        BenchOptions o = options;
        o.dtype = v.dtype;
        Conv2d::setPacking(!v.plainConvolutions);
        if (Status s = ModuleBenchmark::prepare(o, modules[v.moduleKey()]); !s)
            return fail(s);
    }
    Conv2d::setPacking(true);
    const ModuleBenchmark& first = modules.begin()->second;
    std::printf("module %s (%s), %.2f M parameters, batch %lld; %d rounds after %d warm-up, one "
                "call of each variant a round; engine threads %d\n",
                options.module.c_str(), options.configDir.c_str(),
                static_cast<double>(first.parameterCount()) / 1e6,
                static_cast<long long>(options.batch), options.iterations, options.warmup,
                engineThreads);
    for (std::size_t c = 0; c < first.calls().size(); ++c) {
        const std::size_t n = options.compare.size();
        std::vector<std::vector<double>> wall(n), cpu(n);
        std::vector<double> difference(n, 0.0);
        const auto apply = [&](const BenchOptions::Variant& v) {
            if (v.threads > 0)
                CpuCompute::setThreads(v.threads, v.blasThreads > 0 ? v.blasThreads : 1);
            else
                CpuCompute::setThreads(engineThreads, engineBlas);
            AttentionKernel::setBlocked(!v.chunkedAttention);
        };
        try {
            // One untimed call of each first: its output against the first variant's (the
            // largest difference over the first output's largest magnitude).
            at::Tensor reference;
            for (std::size_t i = 0; i < n; ++i) {
                apply(options.compare[i]);
                const at::Tensor out =
                    modules.at(options.compare[i].moduleKey()).calls()[c].run().to(at::kFloat);
                if (i == 0)
                    reference = out;
                else
                    difference[i] = (out - reference).abs().max().item<double>() /
                                    std::max(1e-30, reference.abs().max().item<double>());
            }
            for (int round = 0; round < options.warmup + options.iterations; ++round) {
                for (std::size_t i = 0; i < n; ++i) {
                    const BenchOptions::Variant& v = options.compare[i];
                    apply(v);
                    const ModuleBenchmark::Call& call = modules.at(v.moduleKey()).calls()[c];
                    const double cpuStart = BenchClock::cpuSeconds();
                    const double ms = ModuleBenchmark::millisecondsPerCall(call, 0, 1);
                    if (round >= options.warmup) {
                        wall[i].push_back(ms);
                        cpu[i].push_back(BenchClock::cpuSeconds() - cpuStart);
                    }
                }
            }
        } catch (const c10::Error& e) {
            return fail(Status::internal(first.calls()[c].label + ": " + e.what_without_backtrace()));
        }
        const double base = BenchClock::median(wall[0]);
        for (std::size_t i = 0; i < n; ++i) {
            const BenchOptions::Variant& v = options.compare[i];
            const double ms = BenchClock::median(wall[i]);
            std::printf("%-20s %-14s threads %2d/%d  %10.2f ms/call (min %.2f)  cpu %7.2f s/call  "
                        "%.2fx of %s  output differs by %.1e\n",
                        first.calls()[c].label.c_str(), v.label.c_str(),
                        v.threads > 0 ? v.threads : engineThreads,
                        v.threads > 0 ? (v.blasThreads > 0 ? v.blasThreads : 1) : engineBlas, ms,
                        *std::min_element(wall[i].begin(), wall[i].end()), BenchClock::median(cpu[i]),
                        base > 0 ? ms / base : 0.0, options.compare[0].label.c_str(), difference[i]);
        }
        std::fflush(stdout);
    }
    return 0;
}

int runModule(const BenchOptions& options) {
    if (!options.compare.empty())
        return runComparison(options);
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
            if (options.profile) {
                std::cout << call.label << ": ";
                OpProfile::run([&call] { call.run(); }, std::cout);
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
    CpuCompute::startProcess(argv); // as the editor starts (may run the process again)
    BenchOptions options;
    if (Status s = BenchOptions::parse(argc, argv, options); !s) {
        std::cerr << "limner-bench: " << s.message() << "\n" << BenchOptions::usage();
        return 2;
    }
    if (options.threads > 0)
        at::set_num_threads(options.threads);
    else
        CpuCompute::applyUserChoice(); // as the editor's engine does
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
