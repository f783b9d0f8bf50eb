#include "engine/ml/bench/BenchOptions.h"

#include "engine/ml/nn/CpuCompute.h"

#include <ATen/Context.h>
#include <set>

namespace limner::engine::ml {

namespace {

bool parseInteger(const std::string& text, std::int64_t minimum, std::int64_t& out) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used != text.size() || v < minimum)
            return false;
        out = v;
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// "auto" parses as Undefined until the device is known (resolveAuto).
bool parseDtype(const std::string& name, c10::ScalarType& out) {
    if (name == "auto")
        out = c10::ScalarType::Undefined;
    else if (name == "float32")
        out = c10::kFloat;
    else if (name == "float16")
        out = c10::kHalf;
    else if (name == "bfloat16")
        out = c10::kBFloat16;
    else
        return false;
    return true;
}

// What the editor's Auto precision picks (JobEstimator): float16 on CUDA, bfloat16 on a CPU that
// computes it natively, float32 on other CPUs.
c10::ScalarType resolveAuto(c10::ScalarType dtype, const c10::Device& device) {
    if (dtype != c10::ScalarType::Undefined)
        return dtype;
    if (device.is_cuda())
        return c10::kHalf;
    return CpuCompute::hasFastBfloat16() ? c10::kBFloat16 : c10::kFloat;
}

// "float32@1/2:chunked:plain,float32,bfloat16": dtype[@threads[/OpenBLAS threads]] and
// settings per variant.
Status parseVariants(const std::string& text, std::vector<BenchOptions::Variant>& out) {
    out.clear();
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, comma - start);
        start = comma + 1;
        if (item.empty())
            continue;
        BenchOptions::Variant v;
        v.label = item;
        std::string spec = item;
        for (std::size_t colon = spec.rfind(':'); colon != std::string::npos; colon = spec.rfind(':')) {
            const std::string setting = spec.substr(colon + 1);
            if (setting == "chunked")
                v.chunkedAttention = true;
            else if (setting == "plain")
                v.plainConvolutions = true;
            else
                return Status::badInput("--compare: unknown setting \"" + setting + "\" in \"" + item +
                                        "\" (chunked, plain)");
            spec = spec.substr(0, colon);
        }
        const std::size_t at = spec.find('@');
        const std::string dtype = spec.substr(0, at);
        if (!parseDtype(dtype, v.dtype))
            return Status::badInput("--compare: unknown dtype \"" + dtype + "\" in \"" + item + "\"");
        if (at != std::string::npos) {
            const std::string counts = spec.substr(at + 1);
            const std::size_t slash = counts.find('/');
            std::int64_t threads = 0, blas = 0;
            if (!parseInteger(counts.substr(0, slash), 1, threads) || threads > 1024 ||
                (slash != std::string::npos &&
                 (!parseInteger(counts.substr(slash + 1), 1, blas) || blas > 1024)))
                return Status::badInput("--compare: \"" + item +
                                        "\" wants dtype@threads or dtype@threads/blas-threads");
            v.threads = static_cast<int>(threads);
            v.blasThreads = static_cast<int>(blas);
        }
        out.push_back(v);
    }
    if (out.size() < 2)
        return Status::badInput(
            "--compare wants two or more variants, e.g. float32@1,float32,bfloat16");
    return Status::ok();
}

} // namespace

const char* BenchOptions::usage() {
    return "usage: limner-bench unet|vae|movq|clip-text|clip-vision|prior --config DIR\n"
           "                   [--height H --width W] [--batch B] [--iters N] [--warmup N]\n"
           "                   [--device cpu|cuda] [--dtype auto|float32|float16|bfloat16] [--seed S]\n"
           "                   [--threads T] [--save FILE [--save-dtype float32|float16]]\n"
           "                   [--compare dtype[@T[/B]][:chunked][:plain],...] [--profile]\n"
           "       limner-bench pipeline --model DIR [--size S | --height H --width W] [--steps N]\n"
           "                   [--prior-steps N] [--guidance G] [--batch B] [--iters N] [--warmup N]\n"
           "                   [--device] [--dtype] [--threads T] [--attention-budget MiB]\n"
           "                   [--conv-band MiB] [--vae-tile PIXELS]\n"
           "DIR holds the module's config.json (weights are random, of the shapes the config\n"
           "implies). Sizes: unet = latent pixels (default 64x64); vae, movq = image pixels\n"
           "(default 512x512); clip-vision = the config's image_size; clip-text = the config's\n"
           "max_position_embeddings tokens; prior = the config's num_embeddings tokens.\n"
           "pipeline: a Kandinsky 2.2 inpaint or SD inpaint folder (real or random weights),\n"
           "default size: the model's native one, 50 steps (prior: 25), 1 warm-up and 1 timed run;\n"
           "components without weight files get random weights (time real sizes from configs\n"
           "alone; configs/sd15-inpainting and configs/kandinsky22-inpainting are the real models'\n"
           "configs). Prints the load time, each stage's time, the denoising steps' min/median/max\n"
           "and the peak resident memory (VmHWM) of the load and of each phase of a run.\n"
           "--threads: libtorch's intra-op threads; default: as the editor's engine runs, the "
           "engine's\n"
           "choice (CpuCompute: every core where threads sleep while waiting; LIMNER_THREADS=N).\n"
           "--dtype auto: as the editor's Auto precision (bfloat16 where the CPU has AVX-512 BF16\n"
           "or AMX, float32 on other CPUs, float16 on CUDA); default float32.\n"
           "--compare: variants of one module (dtype[@T[/B]], comma-separated) timed side by\n"
           "side in one run, one call of each in turn; prints each one's median ms/call, CPU\n"
           "seconds per call and its ratio to the first. T: libtorch threads, B: OpenBLAS threads\n"
           "(default 1); no @: the engine's settings (e.g. float32,float32@2/1,bfloat16).\n"
           ":chunked: attention as the chunked whole-head product, as before the blocked one;\n"
           ":plain: convolution weights left plain, as before they were packed at load.\n"
           "--profile: after timing, each call once more under libtorch's profiler: the operators'\n"
           "self times (without the operators they call), largest first, by name and by shapes.\n"
           "--attention-budget: the score MiB one chunk of attention queries may hold (default:\n"
           "the engine's, 128; 0: each attention's whole score matrix at once).\n"
           "--conv-band: the input MiB one band of a large convolution may hold (default: the\n"
           "engine's, 64; 0: every convolution whole).\n"
           "--vae-tile: autoencoders (vae, movq, and a pipeline's) code regions wider or taller\n"
           "than this many pixels in overlapping tiles of at most that side (default: the\n"
           "engine's, the largest tile whose working memory fits 2 GiB; 0: never in tiles).\n"
           "vae and movq then also print how far the tiled result is from the whole (PSNR).\n"
           "--save: a single module's random weights are written to FILE (safetensors, the\n"
           "state_dict names of the real model) instead of timing it: with every component's\n"
           "file in a copy of a config folder, `pipeline` measures loading real files.\n";
}

std::string BenchOptions::Variant::moduleKey() const {
    return std::string(c10::toString(dtype)) + (plainConvolutions ? ":plain" : "");
}

Status BenchOptions::parse(int argc, char** argv, BenchOptions& out) {
    static const std::set<std::string> modules = {"unet",        "vae",   "movq",    "clip-text",
                                                  "clip-vision", "prior", "pipeline"};
    BenchOptions o;
    if (argc < 2)
        return Status::badInput("no module named");
    o.module = argv[1];
    if (!modules.count(o.module))
        return Status::badInput("unknown module \"" + o.module + "\"");
    if (o.module == "pipeline") {
        // A whole run takes seconds to minutes: one warm-up, one timed run unless asked.
        o.iterations = 1;
        o.warmup = 1;
    }
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--profile") { // the one option without a value
            o.profile = true;
            continue;
        }
        if (i + 1 >= argc)
            return Status::badInput("option " + arg + " needs a value");
        const std::string value = argv[++i];
        std::int64_t n = 0;
        const auto integer = [&](std::int64_t minimum, std::int64_t& field) {
            if (!parseInteger(value, minimum, n))
                return Status::badInput(arg + " wants an integer >= " + std::to_string(minimum) +
                                        ", got \"" + value + "\"");
            field = n;
            return Status::ok();
        };
        Status s;
        std::int64_t scratch = 0;
        if (arg == "--config") {
            o.configDir = value;
        } else if (arg == "--model") {
            o.modelDir = value;
        } else if (arg == "--height") {
            s = integer(1, o.height);
        } else if (arg == "--width") {
            s = integer(1, o.width);
        } else if (arg == "--size") {
            s = integer(1, o.height);
            o.width = o.height;
        } else if (arg == "--batch") {
            s = integer(1, o.batch);
        } else if (arg == "--iters") {
            s = integer(1, scratch);
            o.iterations = static_cast<int>(scratch);
        } else if (arg == "--warmup") {
            s = integer(0, scratch);
            o.warmup = static_cast<int>(scratch);
        } else if (arg == "--steps") {
            s = integer(1, scratch);
            o.steps = static_cast<int>(scratch);
        } else if (arg == "--prior-steps") {
            s = integer(1, scratch);
            o.priorSteps = static_cast<int>(scratch);
        } else if (arg == "--threads") {
            s = integer(1, scratch);
            o.threads = static_cast<int>(scratch);
        } else if (arg == "--seed") {
            s = integer(0, scratch);
            o.seed = static_cast<std::uint64_t>(scratch);
        } else if (arg == "--guidance") {
            try {
                o.guidance = std::stod(value);
            } catch (const std::exception&) {
                s = Status::badInput("--guidance wants a number, got \"" + value + "\"");
            }
        } else if (arg == "--device") {
            if (value == "cpu") {
                o.device = c10::Device(c10::kCPU);
            } else if (value == "cuda") {
                if (!at::hasCUDA())
                    return Status::deviceUnavailable(
                        "--device cuda: this libtorch has no CUDA support or no GPU is visible");
                o.device = c10::Device(c10::kCUDA);
            } else {
                s = Status::badInput("unknown device \"" + value + "\" (cpu or cuda)");
            }
        } else if (arg == "--attention-budget") {
            s = integer(0, o.attentionBudgetMiB);
        } else if (arg == "--conv-band") {
            s = integer(0, o.convBandMiB);
        } else if (arg == "--vae-tile") {
            s = integer(0, o.vaeTilePixels);
        } else if (arg == "--save") {
            o.saveFile = value;
        } else if (arg == "--save-dtype") {
            if (value == "float32")
                o.saveDtype = c10::kFloat;
            else if (value == "float16")
                o.saveDtype = c10::kHalf;
            else
                s = Status::badInput("unknown --save-dtype \"" + value + "\" (float32, float16)");
        } else if (arg == "--compare") {
            s = parseVariants(value, o.compare);
        } else if (arg == "--dtype") {
            if (!parseDtype(value, o.dtype))
                s = Status::badInput("unknown dtype \"" + value +
                                     "\" (auto, float32, float16, bfloat16)");
        } else {
            s = Status::badInput("unknown option \"" + arg + "\"");
        }
        if (!s)
            return s;
    }
    o.dtype = resolveAuto(o.dtype, o.device);
    for (BenchOptions::Variant& v : o.compare)
        v.dtype = resolveAuto(v.dtype, o.device);
    if (o.module == "pipeline" && !o.compare.empty())
        return Status::badInput("--compare times one module's variants; name the module, not pipeline");
    if (o.module == "pipeline" && !o.saveFile.empty())
        return Status::badInput("--save writes one module's weights; name the module, not pipeline");
    if (o.module == "pipeline" ? o.modelDir.empty() : o.configDir.empty())
        return Status::badInput(o.module == "pipeline" ? "pipeline needs --model DIR"
                                                       : "no --config DIR given");
    out = o;
    return Status::ok();
}

} // namespace limner::engine::ml
