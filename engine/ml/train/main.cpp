// limner-train: trains limner-mini, the bundled default model, in the DALL·E 2 order.
//
//     limner-train --model resources/models/limner-mini --work /tmp/limner-train [--stage all]
//
// Stages: tokenizer, movq, clip, prior, decoder-data, decoder, movq-decoder (or all, in that
// order). Each stage resumes from its checkpoint in --work and writes its components into --model
// when it finishes; a later stage reads the earlier ones from --model. The defaults are the
// settings the shipped weights were trained with (see resources/models/limner-mini/README.md).
#include "engine/ml/train/Stages.h"

#include <ATen/Parallel.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace limner::engine::ml::train;

namespace {

struct Defaults {
    std::int64_t steps;
    double minutes;
    int batch;
    double learningRate;
    double emaDecay;
    int workers; // threads that split each step's batch (the decoder's rows are independent)
};

// The threads of each worker's tensor operations: libtorch's intra-op threads and, where
// libtorch does its matrix products with OpenBLAS (Debian's does), OpenBLAS's own pool. Left
// alone, that pool keeps one thread per core spinning on sched_yield between products (measured:
// 12.8 s of 29 s of CPU in the kernel on a 30-step decoder run), which takes the second core
// from a second worker.
void setOperationThreads(int threads) {
    at::set_num_threads(threads);
    using Setter = void (*)(int);
    if (const auto set = reinterpret_cast<Setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(threads);
}

const std::map<std::string, Defaults>& defaults() {
    static const std::map<std::string, Defaults> d{
        {"movq", {4000, 30, 16, 2e-3, 0, 1}},         {"clip", {3000, 20, 128, 1e-3, 0, 1}},
        {"prior", {3000, 10, 64, 5e-4, 0.995, 1}},    {"decoder", {8000, 60, 32, 5e-4, 0.999, 2}},
        {"movq-decoder", {2000, 10, 16, 5e-4, 0, 1}},
    };
    return d;
}

int usage() {
    std::fprintf(stderr,
                 "usage: limner-train --model DIR --work DIR [--stage "
                 "tokenizer|movq|clip|prior|decoder-data|decoder|movq-decoder|all]\n"
                 "                    [--steps N] [--minutes M] [--batch B] [--lr X] [--threads T]\n"
                 "                    [--workers W (decoder)] [--decoder-scenes N]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    StageOptions base;
    std::string stage = "all";
    std::int64_t steps = -1;
    double minutes = -1, lr = -1;
    int batch = -1, threads = 0, workers = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto value = [&]() -> const char* {
            return i + 1 < argc ? argv[++i] : nullptr;
        };
        const char* v = nullptr;
        if (a == "--help" || a == "-h")
            return usage();
        if (!(v = value()))
            return usage();
        if (a == "--model")
            base.model = v;
        else if (a == "--work")
            base.work = v;
        else if (a == "--stage")
            stage = v;
        else if (a == "--steps")
            steps = std::atoll(v);
        else if (a == "--minutes")
            minutes = std::atof(v);
        else if (a == "--batch")
            batch = std::atoi(v);
        else if (a == "--lr")
            lr = std::atof(v);
        else if (a == "--threads")
            threads = std::atoi(v);
        else if (a == "--workers" && std::atoi(v) > 0)
            workers = std::atoi(v);
        else if (a == "--decoder-scenes" && std::atoll(v) > 0)
            base.decoderScenes = std::atoll(v);
        else
            return usage();
    }
    if (base.model.empty() || base.work.empty())
        return usage();
    std::filesystem::create_directories(base.work);
    std::filesystem::create_directories(base.model);

    std::vector<std::string> stages;
    if (stage == "all")
        stages = {"tokenizer", "movq", "clip", "prior", "decoder-data", "decoder", "movq-decoder"};
    else
        stages = {stage};
    for (const std::string& s : stages) {
        StageOptions o = base;
        if (s != "tokenizer" && s != "decoder-data") { // neither has an optimiser
            const auto it = defaults().find(s);
            if (it == defaults().end())
                return usage();
            o.steps = steps > 0 ? steps : it->second.steps;
            o.minutes = minutes > 0 ? minutes : it->second.minutes;
            o.batch = batch > 0 ? batch : it->second.batch;
            o.learningRate = lr > 0 ? lr : it->second.learningRate;
            o.emaDecay = it->second.emaDecay;
            o.logEvery = o.steps < 100 ? 1 : 25;
            // Only the decoder splits its batch (the batch is the same for any worker count).
            o.workers = s == "decoder" && workers > 0 ? workers : it->second.workers;
        } else {
            o.workers = 1;
        }
        // Without --threads, the cores are shared out among the workers.
        const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        setOperationThreads(threads > 0 ? threads : std::max(1, cores / o.workers));
        limner::engine::Status status;
        if (s == "tokenizer")
            status = writeTokenizerStage(o);
        else if (s == "movq")
            status = trainAutoencoder(o);
        else if (s == "clip")
            status = trainClip(o);
        else if (s == "prior")
            status = trainPrior(o);
        else if (s == "movq-decoder")
            status = trainRobustDecoder(o);
        else if (s == "decoder-data")
            status = encodeDecoderData(o);
        else
            status = trainDecoder(o);
        if (!status) {
            std::fprintf(stderr, "limner-train: %s: %s\n", s.c_str(), status.message().c_str());
            return 1;
        }
    }
    return 0;
}
