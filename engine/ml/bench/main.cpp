// limner-bench: milliseconds per call of one engine/ml module built from a config.json with
// random weights, or seconds per image of a whole inpainting pipeline. Not a test: it prints
// figures for the performance notes.
#include "engine/ml/bench/BenchOptions.h"
#include "engine/ml/bench/ModuleBenchmark.h"
#include "engine/ml/bench/PipelineBenchmark.h"

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
    ModuleBenchmark bench;
    if (Status s = ModuleBenchmark::prepare(options, bench); !s)
        return fail(s);
    std::printf("module %s (%s), %.2f M parameters, batch %lld\n", options.module.c_str(),
                options.configDir.c_str(), static_cast<double>(bench.parameterCount()) / 1e6,
                static_cast<long long>(options.batch));
    for (const ModuleBenchmark::Call& call : bench.calls()) {
        try {
            const double ms =
                ModuleBenchmark::millisecondsPerCall(call, options.warmup, options.iterations);
            std::printf("%-20s %10.2f ms/call   (%s; %d iterations after %d warm-up)\n",
                        call.label.c_str(), ms, call.inputs.c_str(), options.iterations,
                        options.warmup);
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
    c10::InferenceMode inference;
    std::printf("device %s, dtype %s, threads %d\n", options.device.str().c_str(),
                c10::toString(options.dtype), at::get_num_threads());
    if (options.module == "pipeline") {
        if (Status s = PipelineBenchmark::run(options, std::cout); !s)
            return fail(s);
        return 0;
    }
    return runModule(options);
}
