// limner-parity DIR [--device cpu|cuda] [--dtype float32|float16|bfloat16] [--only kind1,kind2]
//                   [--allow-tf32]
// Runs every parity fixture under DIR against the C++ implementation; exits non-zero when any
// fixture fails or has a component nobody registered.
#include "engine/ml/nn/CpuCompute.h"
#include "engine/ml/parity/ParityRegistry.h"
#include "engine/ml/parity/ParityRunner.h"
#ifdef LIMNER_ML_HAS_MODEL_PARITY
#include "engine/ml/parity/ModelParityKinds.h"
#endif
#ifdef LIMNER_ML_HAS_PIPELINE_PARITY
#include "engine/ml/pipelines/parity/PipelineParityKinds.h"
#endif

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

namespace {

int usage(const std::string& problem) {
    std::cerr << "limner-parity: " << problem << "\n"
              << "usage: limner-parity DIR [--device cpu|cuda] [--dtype float32|float16|bfloat16] "
                 "[--only component1,component2,...] [--allow-tf32]\n"
              << "--allow-tf32: let CUDA float32 products and convolutions round their inputs to "
                 "TF32 (off: the fixtures' tolerances are for float32)\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    using namespace limner::engine::ml;
    CpuCompute::startProcess(argv); // threads that sleep while waiting, as the editor's
    at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));

    std::string root;
    ParityOptions options;
    std::set<std::string> only;
    bool allowTf32 = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--device" && hasValue) {
            const std::string device = argv[++i];
            if (device == "cpu") {
                options.device = c10::Device(c10::kCPU);
            } else if (device == "cuda") {
                if (!at::hasCUDA())
                    return usage(
                        "--device cuda: this libtorch has no CUDA support or no GPU is visible");
                options.device = c10::Device(c10::kCUDA);
            } else {
                return usage("unknown device \"" + device + "\"");
            }
        } else if (arg == "--dtype" && hasValue) {
            const std::string dtype = argv[++i];
            if (dtype == "float32")
                options.dtype = c10::kFloat;
            else if (dtype == "float16")
                options.dtype = c10::kHalf;
            else if (dtype == "bfloat16")
                options.dtype = c10::kBFloat16;
            else
                return usage("unknown dtype \"" + dtype + "\"");
        } else if (arg == "--only" && hasValue) {
            std::stringstream list(argv[++i]);
            for (std::string item; std::getline(list, item, ',');) {
                if (!item.empty())
                    only.insert(item);
            }
        } else if (arg == "--allow-tf32") {
            allowTf32 = true;
        } else if (!arg.empty() && arg[0] != '-' && root.empty()) {
            root = arg;
        } else {
            return usage("unexpected argument \"" + arg + "\"");
        }
    }
    if (root.empty())
        return usage("no fixture directory given");
    // libtorch lets cuDNN convolutions use TF32 on Ampere and newer GPUs by default, which keeps
    // 10 bits of each float32 input's mantissa: errors of 1e-3 where the fixtures allow 1e-4.
    at::globalContext().setAllowTF32CuDNN(allowTf32);
    at::globalContext().setAllowTF32CuBLAS(allowTf32);

    ParityRegistry registry;
    registerBuiltinParityKinds(registry);
#ifdef LIMNER_ML_HAS_MODEL_PARITY
    registerModelParityKinds(registry);
#endif
#ifdef LIMNER_ML_HAS_PIPELINE_PARITY
    registerPipelineParityKinds(registry);
#endif
    for (const auto& component : only) {
        if (!registry.find(component))
            return usage("--only names \"" + component + "\", which no kind implements");
    }
    ParityRunner runner(registry, options);
    runner.setOnly(only);
    return runner.run(root, std::cout) == 0 ? 0 : 1;
}
