#include "engine/ml/train/Stages.h"

#include "engine/ml/config/JsonFile.h"
#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/ClipVisionModel.h"
#include "engine/ml/nn/PriorTransformer.h"
#include "engine/ml/nn/UNet2DConditionModel.h"
#include "engine/ml/nn/VqModel.h"
#include "engine/ml/pipelines/KandinskyInpaintPipeline.h"
#include "engine/ml/tokenizer/ClipTokenizer.h"
#include "engine/ml/train/MiniModel.h"
#include "engine/ml/train/SceneData.h"
#include "engine/ml/train/Trainable.h"
#include "engine/ml/train/World.h"
#include "engine/ml/train/WorldTokenizer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <algorithm>
#include <c10/core/GradMode.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

namespace limner::engine::ml::train {

namespace fs = std::filesystem;

namespace {

// Scene streams of the stages do not overlap (all within the training seed).
constexpr std::uint64_t kAutoencoderScenes = 0;
constexpr std::uint64_t kClipScenes = 1ULL << 32;
constexpr std::uint64_t kPriorScenes = 2ULL << 32;
constexpr std::uint64_t kDecoderScenes = 3ULL << 32;
constexpr std::uint64_t kStatisticsScenes = 4ULL << 32;
constexpr std::uint64_t kRobustDecoderScenes = 5ULL << 32;

std::string componentFile(const std::string& model, const char* component, const char* file) {
    return (fs::path(model) / component / file).string();
}

Status writeJson(const fs::path& path, const nlohmann::json& json) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream f(path, std::ios::binary);
    f << json.dump(2) << "\n";
    return f ? Status::ok() : Status::ioError("cannot write " + path.string());
}

Status writeComponent(const std::string& model, const char* component, const char* weightsFile,
                      const nlohmann::json& config, const Trainable& weights) {
    const fs::path dir = fs::path(model) / component;
    if (Status s = writeJson(dir / "config.json", config); !s)
        return s;
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (auto& [name, t] : weights.sorted())
        tensors.emplace_back(name, t.detach().contiguous());
    if (Status s = Safetensors::write((dir / weightsFile).string(), tensors, {{"format", "pt"}}); !s)
        return s;
    std::printf("wrote %s (%lld parameters)\n", dir.string().c_str(),
                static_cast<long long>(weights.parameterCount()));
    std::fflush(stdout);
    return Status::ok();
}

Status readConfig(const std::string& model, const char* component, nlohmann::json& out) {
    return JsonFile::read(componentFile(model, component, "config.json"), out);
}

// The loss of step `step` over shard `shard` of `shards` equal parts of its batch. A stage whose
// rows are independent computes the whole batch's data (so it is the same for any shard count)
// and runs its model on the shard's rows only; the shards run on parallel threads and their
// gradients add up in the parameters (in any order: a sum of two is the same both ways).
using ShardLoss = std::function<at::Tensor(std::int64_t step, int shard, int shards)>;

// Rows [begin, end) of shard `shard` of a batch of `batch` rows.
std::pair<std::int64_t, std::int64_t> shardRows(int batch, int shard, int shards) {
    return {static_cast<std::int64_t>(batch) * shard / shards,
            static_cast<std::int64_t>(batch) * (shard + 1) / shards};
}

// One step's forward and backward passes over `shards` threads (this one included); the
// step's loss, the mean of the shards'.
Status shardedBackward(const ShardLoss& lossAt, std::int64_t step, int shards, double& loss) {
    std::vector<double> values(static_cast<std::size_t>(shards), 0.0);
    std::vector<std::string> errors(static_cast<std::size_t>(shards));
    const auto run = [&](int shard) {
        try {
            const at::Tensor l = lossAt(step, shard, shards) / shards;
            l.backward();
            values[static_cast<std::size_t>(shard)] = l.item<double>();
        } catch (const std::exception& e) {
            errors[static_cast<std::size_t>(shard)] = e.what();
        }
    };
    std::vector<std::thread> threads;
    for (int shard = 1; shard < shards; ++shard) {
        threads.emplace_back([&run, shard] {
            at::init_num_threads(); // this thread's intra-op setting, as set for the process
            run(shard);
        });
    }
    run(0);
    for (std::thread& t : threads)
        t.join();
    loss = 0;
    for (int shard = 0; shard < shards; ++shard) {
        if (!errors[static_cast<std::size_t>(shard)].empty())
            return Status::internal("step " + std::to_string(step) + ", shard " +
                                    std::to_string(shard) + ": " +
                                    errors[static_cast<std::size_t>(shard)]);
        loss += values[static_cast<std::size_t>(shard)];
    }
    return Status::ok();
}

// The loop every stage shares: AdamW over the trainable tensors of `parts`, warm-up and cosine
// learning rate, loss log, checkpoints, resume, stop by steps or time. Each step's batch is
// split into `shards` parts on as many threads.
Status runLoop(const char* stage, const StageOptions& o, const std::map<std::string, Trainable*>& parts,
               const ShardLoss& lossAt, int shards) {
    shards = std::clamp(shards, 1, o.batch);
    std::vector<std::pair<std::string, at::Tensor>> parameters;
    std::int64_t count = 0;
    for (auto& [part, trainable] : parts) {
        for (auto& [name, tensor] : trainable->sorted()) {
            if (tensor.requires_grad()) {
                parameters.emplace_back(part + ":" + name, tensor);
                count += tensor.numel();
            }
        }
    }
    AdamW optimiser(parameters);
    const std::string checkpoint =
        (fs::path(o.work) / (std::string(stage) + ".checkpoint.safetensors")).string();
    // The moving average lives in the checkpoint as one more part, so a resumed stage goes on
    // averaging where it stopped.
    Trainable average;
    std::map<std::string, Trainable*> saved = parts;
    if (o.emaDecay > 0) {
        for (const auto& [name, tensor] : parameters)
            average.weights[name] = tensor.detach().clone();
        saved["ema"] = &average;
    }
    std::map<std::string, const Trainable*> constParts(saved.begin(), saved.end());
    std::int64_t step = 0;
    double spent = 0;
    if (Status s = Checkpoint::load(checkpoint, saved, optimiser, step, spent); s) {
        std::printf("%s: resuming at step %lld (%.0f s spent)\n", stage, static_cast<long long>(step),
                    spent);
    } else if (s.code() != Status::Code::NotFound) {
        return s;
    }
    std::printf("%s: %lld trainable parameters, batch %d, %lld steps, at most %.0f min\n", stage,
                static_cast<long long>(count), o.batch, static_cast<long long>(o.steps), o.minutes);
    std::fflush(stdout);
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto lastCheckpoint = start;
    const double spentBefore = spent;
    double lossSum = 0;
    int lossCount = 0;
    auto windowStart = start;
    while (step < o.steps) {
        const double elapsed =
            spentBefore + std::chrono::duration<double>(Clock::now() - start).count();
        if (elapsed >= o.minutes * 60) {
            std::printf("%s: time budget of %.0f min reached at step %lld\n", stage, o.minutes,
                        static_cast<long long>(step));
            break;
        }
        const double progress = std::max(static_cast<double>(step) / static_cast<double>(o.steps),
                                         elapsed / (o.minutes * 60));
        const double lr =
            learningRate(o.learningRate, step, std::min<std::int64_t>(200, o.steps / 10), progress);
        double loss = 0;
        if (Status s = shardedBackward(lossAt, step, shards, loss); !s)
            return s;
        const double norm = optimiser.step(lr);
        ++step;
        if (o.emaDecay > 0) {
            c10::NoGradGuard noGrad;
            const double decay = std::min(o.emaDecay, (1.0 + step) / (10.0 + step));
            for (const auto& [name, tensor] : parameters)
                average.weights.at(name).mul_(decay).add_(tensor.detach(), 1 - decay);
        }
        lossSum += loss;
        ++lossCount;
        if (step % o.logEvery == 0 || step == o.steps) {
            const auto now = Clock::now();
            const double window = std::chrono::duration<double>(now - windowStart).count();
            std::printf("%s step %lld/%lld loss %.5f lr %.2e grad %.3f %.3f s/step elapsed %.0f s\n",
                        stage, static_cast<long long>(step), static_cast<long long>(o.steps),
                        lossSum / lossCount, lr, norm, window / lossCount,
                        spentBefore + std::chrono::duration<double>(now - start).count());
            std::fflush(stdout);
            lossSum = 0;
            lossCount = 0;
            windowStart = now;
        }
        if (std::chrono::duration<double>(Clock::now() - lastCheckpoint).count() >=
            o.checkpointSeconds) {
            spent = spentBefore + std::chrono::duration<double>(Clock::now() - start).count();
            if (Status s = Checkpoint::save(checkpoint, constParts, optimiser, step, spent); !s)
                return s;
            lastCheckpoint = Clock::now();
        }
    }
    spent = spentBefore + std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%s: finished at step %lld after %.0f s of training%s\n", stage,
                static_cast<long long>(step), spent,
                o.emaDecay > 0 ? "; the moving average of the weights is kept" : "");
    std::fflush(stdout);
    if (Status s = Checkpoint::save(checkpoint, constParts, optimiser, step, spent); !s)
        return s;
    if (o.emaDecay > 0) {
        c10::NoGradGuard noGrad;
        for (const auto& [name, tensor] : parameters)
            tensor.detach().copy_(average.weights.at(name));
    }
    return Status::ok();
}

// The loop for a stage whose loss needs the whole batch at once (or that runs unsharded).
Status runLoop(const char* stage, const StageOptions& o, const std::map<std::string, Trainable*>& parts,
               const std::function<at::Tensor(std::int64_t step)>& lossAt) {
    return runLoop(
        stage, o, parts, [&](std::int64_t step, int, int) { return lossAt(step); }, 1);
}

at::Generator generatorFor(std::uint64_t seed, std::int64_t step, std::uint64_t stream) {
    return at::detail::createCPUGenerator(seed * 1000003ULL +
                                          static_cast<std::uint64_t>(step) * 7919ULL + stream);
}

struct Towers {
    ClipTokenizer tokenizer;
    ClipTextModel text;
    ClipVisionModel vision;
    nlohmann::json processor;
};

Status loadTowers(const StageOptions& o, Towers& t) {
    if (Status s = ClipTokenizer::load((fs::path(o.model) / "prior_tokenizer").string(), t.tokenizer);
        !s)
        return s;
    nlohmann::json textConfig, visionConfig;
    if (Status s = readConfig(o.model, "prior_text_encoder", textConfig); !s)
        return s;
    if (Status s = readConfig(o.model, "prior_image_encoder", visionConfig); !s)
        return s;
    if (Status s = JsonFile::read(
            componentFile(o.model, "prior_image_processor", "preprocessor_config.json"), t.processor);
        !s)
        return s;
    Trainable text, vision;
    if (Status s = Trainable::fromFile(
            componentFile(o.model, "prior_text_encoder", "model.safetensors"), text);
        !s)
        return s;
    if (Status s = Trainable::fromFile(
            componentFile(o.model, "prior_image_encoder", "model.safetensors"), vision);
        !s)
        return s;
    if (Status s = ClipTextModel::load(textConfig, text.weights, ClipTextModel::Head::Projection,
                                       at::kCPU, at::kFloat, t.text);
        !s)
        return s;
    return ClipVisionModel::load(visionConfig, vision.weights, at::kCPU, at::kFloat, t.vision);
}

Status loadMovq(const StageOptions& o, VqModel& movq) {
    nlohmann::json config;
    if (Status s = readConfig(o.model, "movq", config); !s)
        return s;
    Trainable weights;
    if (Status s = Trainable::fromFile(
            componentFile(o.model, "movq", "diffusion_pytorch_model.safetensors"), weights);
        !s)
        return s;
    return VqModel::load(config, weights.weights, at::kCPU, at::kFloat, movq);
}

// One 64 × 64 crop of each image, at offsets that are multiples of `step`.
at::Tensor randomCrops(const at::Tensor& images, WorldRandom& rng, int step) {
    constexpr int kCrop = 64;
    std::vector<at::Tensor> crops;
    for (std::int64_t i = 0; i < images.size(0); ++i) {
        const int x0 = rng.between(0, (kSceneSide - kCrop) / step) * step;
        const int y0 = rng.between(0, (kSceneSide - kCrop) / step) * step;
        crops.push_back(images.slice(0, i, i + 1).slice(2, y0, y0 + kCrop).slice(3, x0, x0 + kCrop));
    }
    return at::cat(crops);
}

// Writes <work>/<stage>-samples.ppm: the first eight pictures of `images` (N × 3 × H × W in
// [0, 1]) on the top row and their reconstructions below, so that a person can see what the
// autoencoder keeps of a shape, not only its PSNR.
void writeReconstructionSheet(const StageOptions& o, const char* stage, const at::Tensor& images,
                              const at::Tensor& reconstructions) {
    const std::int64_t n = std::min<std::int64_t>(8, images.size(0));
    const at::Tensor top = images.slice(0, 0, n).permute({2, 0, 3, 1}).reshape({images.size(2), -1, 3});
    const at::Tensor bottom = reconstructions.slice(0, 0, n)
                                  .clamp(0, 1)
                                  .permute({2, 0, 3, 1})
                                  .reshape({images.size(2), -1, 3});
    const at::Tensor sheet = at::cat({top, bottom}).mul(255).round().to(at::kByte).contiguous();
    const fs::path path = fs::path(o.work) / (std::string(stage) + "-samples.ppm");
    std::ofstream out(path, std::ios::binary);
    out << "P6\n" << sheet.size(1) << ' ' << sheet.size(0) << "\n255\n";
    out.write(reinterpret_cast<const char*>(sheet.data_ptr<std::uint8_t>()), sheet.numel());
    std::printf("%s: wrote %s (top: pictures, bottom: reconstructions)\n", stage,
                path.string().c_str());
}

// ᾱ_t for the 1000 training steps of a diffusers beta schedule.
at::Tensor alphasCumprod(bool squaredCos) {
    std::vector<double> betas(1000);
    for (int i = 0; i < 1000; ++i) {
        if (squaredCos) {
            const auto abar = [](double t) {
                const double c = std::cos((t + 0.008) / 1.008 * 3.14159265358979323846 / 2);
                return c * c;
            };
            betas[i] = std::min(1 - abar((i + 1) / 1000.0) / abar(i / 1000.0), 0.999);
        } else {
            betas[i] = 0.00085 + (0.012 - 0.00085) * i / 999.0;
        }
    }
    std::vector<float> out(1000);
    double product = 1;
    for (int i = 0; i < 1000; ++i) {
        product *= 1 - betas[i];
        out[i] = static_cast<float>(product);
    }
    return at::tensor(out);
}

struct ObjectBoxPixels {
    at::Tensor pixels; // CLIP's view of the box, [1, 3, size, size]
    std::string phrase;
};

// One object of scene i, chosen at random, in its box grown by 2–10 px.
ObjectBoxPixels objectBoxPixels(const SceneBatch& b, std::size_t i, WorldRandom& rng,
                                const nlohmann::json& processor) {
    const Scene& scene = b.scenes[i];
    const WorldObject& object =
        scene.objects[static_cast<std::size_t>(rng.below(static_cast<int>(scene.objects.size())))];
    const std::int64_t row = static_cast<std::int64_t>(i);
    return {clipPixelsOfBox(b.images.slice(0, row, row + 1), objectBox(object, rng.between(2, 10)),
                            processor),
            objectPhrase(object)};
}

} // namespace

Status writeStaticFiles(const StageOptions& o) {
    const fs::path root(o.model);
    for (const auto& [path, json] : std::vector<std::pair<fs::path, nlohmann::json>>{
             {root / "model_index.json", MiniModel::modelIndex()},
             {root / "scheduler" / "scheduler_config.json", MiniModel::scheduler()},
             {root / "prior_scheduler" / "scheduler_config.json", MiniModel::priorScheduler()},
             {root / "prior_image_processor" / "preprocessor_config.json",
              MiniModel::imageProcessor()}}) {
        if (Status s = writeJson(path, json); !s)
            return s;
    }
    return Status::ok();
}

Status writeTokenizerStage(const StageOptions& o) {
    std::vector<std::string> corpus;
    for (std::uint64_t i = 0; i < 20000; ++i) {
        const Scene scene = makeScene(o.seed, kClipScenes + i);
        corpus.push_back(captionVariant(scene, static_cast<int>(i)));
    }
    if (Status s = writeWorldTokenizer((fs::path(o.model) / "prior_tokenizer").string(), corpus,
                                       MiniModel::kTokens);
        !s)
        return s;
    ClipTokenizer tokenizer;
    if (Status s = ClipTokenizer::load((fs::path(o.model) / "prior_tokenizer").string(), tokenizer); !s)
        return s;
    std::printf("tokenizer: %zu ids; \"%s\" -> %zu tokens\n", tokenizer.vocabularySize(),
                caption(makeScene(o.seed, 0)).c_str(),
                tokenizer.tokenize(caption(makeScene(o.seed, 0))).size());
    return writeStaticFiles(o);
}

Status trainAutoencoder(const StageOptions& o) {
    const nlohmann::json config = MiniModel::movq();
    Trainable weights = Trainable::fresh(o.seed * 11 + 1, [&](const StateDict& w) {
        VqModel m;
        return VqModel::load(config, w, at::kCPU, at::kFloat, m);
    });
    VqModel movq;
    if (Status s = VqModel::load(config, weights.weights, at::kCPU, at::kFloat, movq); !s)
        return s;
    weights.weights.at("quantize.embedding.weight").requires_grad_(false);
    const auto loss = [&](std::int64_t step) {
        // Random 64 × 64 crops: the autoencoder is convolutional, and a quarter of the pixels
        // per image buys four times the images for the same time.
        const SceneBatch b = sceneBatch(
            o.seed, kAutoencoderScenes + static_cast<std::uint64_t>(step) * o.batch, o.batch);
        WorldRandom rng(o.seed * 5555 + static_cast<std::uint64_t>(step));
        const at::Tensor x = randomCrops(b.images, rng, 1) * 2 - 1;
        const at::Tensor z = movq.encode(x);
        const at::Tensor y = movq.decode(z, true);
        // Pixels (L1 + L2) and a pull of the latents' mean square to 1, which keeps them at the
        // scale the decoder's diffusion noise assumes.
        const at::Tensor scale = z.pow(2).mean() - 1;
        return (y - x).abs().mean() + (y - x).pow(2).mean() + 0.05 * scale * scale;
    };
    std::map<std::string, Trainable*> parts{{"movq", &weights}};
    if (Status s = runLoop("movq", o, parts, loss); !s)
        return s;
    // The codebook is not used by Kandinsky's decode (force_not_quantize); it holds k-means
    // centres of the latents so that quantising stays meaningful.
    {
        c10::NoGradGuard noGrad;
        const SceneBatch b = sceneBatch(o.seed, kStatisticsScenes, 64);
        const at::Tensor latents = movq.encode(b.images * 2 - 1);
        const at::Tensor z = latents.permute({0, 2, 3, 1}).reshape({-1, MiniModel::kLatentChannels});
        at::Tensor& codebook = weights.weights.at("quantize.embedding.weight");
        const std::int64_t k = codebook.size(0);
        at::Tensor centres = z.index_select(0, at::arange(0, z.size(0), z.size(0) / k).slice(0, 0, k));
        for (int iteration = 0; iteration < 20; ++iteration) {
            const at::Tensor nearest = at::cdist(z, centres).argmin(1);
            for (std::int64_t c = 0; c < k; ++c) {
                const at::Tensor members = z.index({nearest == c});
                if (members.size(0) > 0)
                    centres[c] = members.mean(0);
            }
        }
        codebook.copy_(centres);
        const at::Tensor y = movq.decode(latents, true);
        const double mse = ((y * 0.5 + 0.5).clamp(0, 1) - b.images).pow(2).mean().item<double>();
        writeReconstructionSheet(o, "movq", b.images, y * 0.5 + 0.5);
        std::printf("movq: reconstruction PSNR %.2f dB on 64 unseen scenes, latent mean square %.3f\n",
                    10 * std::log10(1.0 / mse), z.pow(2).mean().item<double>());
    }
    weights.setTrainable(false);
    return writeComponent(o.model, "movq", "diffusion_pytorch_model.safetensors", config, weights);
}

Status trainRobustDecoder(const StageOptions& o) {
    // The diffusion decoder's latents are never exactly the encoder's: with a decoder trained
    // on clean latents alone, small errors come out as coloured speckle. Here the MoVQ decoder
    // (and post_quant_conv) learn to decode latents with Gaussian noise of up to 0.4 (the latents
    // have unit mean square) into the clean picture. The encoder stays as it was, so the latents
    // the UNet was trained on stay valid.
    const nlohmann::json config = MiniModel::movq();
    Trainable weights;
    if (Status s = Trainable::fromFile(
            componentFile(o.model, "movq", "diffusion_pytorch_model.safetensors"), weights);
        !s)
        return s;
    for (auto& [name, tensor] : weights.weights) {
        const bool decoderSide =
            name.rfind("decoder.", 0) == 0 || name.rfind("post_quant_conv.", 0) == 0;
        tensor.requires_grad_(decoderSide);
    }
    VqModel movq;
    if (Status s = VqModel::load(config, weights.weights, at::kCPU, at::kFloat, movq); !s)
        return s;
    const auto loss = [&](std::int64_t step) {
        const SceneBatch b = sceneBatch(
            o.seed, kRobustDecoderScenes + static_cast<std::uint64_t>(step) * o.batch, o.batch);
        WorldRandom rng(o.seed * 4444 + static_cast<std::uint64_t>(step));
        const at::Tensor x = randomCrops(b.images, rng, 8) * 2 - 1;
        at::Generator gen = generatorFor(o.seed, step, 6);
        at::Tensor z;
        {
            c10::NoGradGuard noGrad;
            z = movq.encode(x);
            const at::Tensor sigma = at::rand({o.batch, 1, 1, 1}, gen) * 0.4;
            z = z + sigma * at::randn(z.sizes(), gen);
        }
        const at::Tensor y = movq.decode(z, true);
        return (y - x).abs().mean() + (y - x).pow(2).mean();
    };
    std::map<std::string, Trainable*> parts{{"movq", &weights}};
    if (Status s = runLoop("movq-decoder", o, parts, loss); !s)
        return s;
    {
        c10::NoGradGuard noGrad;
        const SceneBatch b = sceneBatch(o.seed, kStatisticsScenes, 64);
        const at::Tensor z = movq.encode(b.images * 2 - 1);
        for (double sigma : {0.0, 0.2}) {
            const at::Tensor y = movq.decode(z + sigma * at::randn(z.sizes()), true);
            const double mse = ((y * 0.5 + 0.5).clamp(0, 1) - b.images).pow(2).mean().item<double>();
            if (sigma == 0.0)
                writeReconstructionSheet(o, "movq-decoder", b.images, y * 0.5 + 0.5);
            std::printf("movq-decoder: PSNR %.2f dB on 64 unseen scenes with latent noise %.1f\n",
                        10 * std::log10(1.0 / mse), sigma);
        }
    }
    weights.setTrainable(false);
    return writeComponent(o.model, "movq", "diffusion_pytorch_model.safetensors", config, weights);
}

Status trainClip(const StageOptions& o) {
    ClipTokenizer tokenizer;
    if (Status s = ClipTokenizer::load((fs::path(o.model) / "prior_tokenizer").string(), tokenizer); !s)
        return s;
    nlohmann::json processor;
    if (Status s = JsonFile::read(
            componentFile(o.model, "prior_image_processor", "preprocessor_config.json"), processor);
        !s)
        return s;
    const nlohmann::json textConfig =
        MiniModel::textEncoder(static_cast<std::int64_t>(tokenizer.vocabularySize()), tokenizer.bosId(),
                               tokenizer.eosId(), tokenizer.padId());
    const nlohmann::json visionConfig = MiniModel::imageEncoder();
    Trainable text = Trainable::fresh(o.seed * 11 + 2, [&](const StateDict& w) {
        ClipTextModel m;
        return ClipTextModel::load(textConfig, w, ClipTextModel::Head::Projection, at::kCPU, at::kFloat,
                                   m);
    });
    Trainable vision = Trainable::fresh(o.seed * 11 + 3, [&](const StateDict& w) {
        ClipVisionModel m;
        return ClipVisionModel::load(visionConfig, w, at::kCPU, at::kFloat, m);
    });
    Trainable temperature;
    temperature.weights["logit_scale"] = at::full({1}, std::log(1 / 0.07)).requires_grad_(true);
    ClipTextModel textModel;
    ClipVisionModel visionModel;
    if (Status s = ClipTextModel::load(textConfig, text.weights, ClipTextModel::Head::Projection,
                                       at::kCPU, at::kFloat, textModel);
        !s)
        return s;
    if (Status s =
            ClipVisionModel::load(visionConfig, vision.weights, at::kCPU, at::kFloat, visionModel);
        !s)
        return s;
    // Half of each batch is whole scenes with their captions, half is one object's box (as a
    // person selects it, or as the evaluation crops a fill) with that object's phrase. Texts
    // that occur twice in a batch are both right answers.
    const auto loss = [&](std::int64_t step) {
        const int half = o.batch / 2;
        const SceneBatch b =
            sceneBatch(o.seed, kClipScenes + static_cast<std::uint64_t>(step) * o.batch, o.batch);
        WorldRandom rng(o.seed * 3333 + static_cast<std::uint64_t>(step));
        std::vector<std::string> texts;
        std::vector<at::Tensor> pixels{clipPixels(b.images.slice(0, 0, half), processor)};
        for (int i = 0; i < half; ++i)
            texts.push_back(captionVariant(b.scenes[static_cast<std::size_t>(i)],
                                           static_cast<int>(step * 7 + i) % 5 == 4 ? 1 : 0));
        for (int i = half; i < o.batch; ++i) {
            const ObjectBoxPixels box = objectBoxPixels(b, static_cast<std::size_t>(i), rng, processor);
            pixels.push_back(box.pixels);
            texts.push_back(box.phrase);
        }
        const at::Tensor ids = tokenIds(tokenizer, texts, MiniModel::kTokens).ids;
        const at::Tensor t = textModel.forward(ids, at::Tensor(), false).textEmbeds;
        const at::Tensor v = visionModel.forward(at::cat(pixels), false).imageEmbeds;
        const at::Tensor tn = t / t.norm(2, 1, true), vn = v / v.norm(2, 1, true);
        const at::Tensor logits =
            vn.matmul(tn.t()) * temperature.weights.at("logit_scale").clamp_max(std::log(100.0)).exp();
        std::vector<float> same(static_cast<std::size_t>(o.batch) * o.batch);
        for (int i = 0; i < o.batch; ++i)
            for (int j = 0; j < o.batch; ++j)
                same[static_cast<std::size_t>(i) * o.batch + j] = texts[i] == texts[j] ? 1.f : 0.f;
        const at::Tensor target = at::tensor(same).view({o.batch, o.batch});
        const at::Tensor p = target / target.sum(1, true); // symmetric, so rows serve both ways
        return -((p * at::log_softmax(logits, 1)).sum(1).mean() +
                 (p * at::log_softmax(logits.t(), 1)).sum(1).mean()) /
               2;
    };
    std::map<std::string, Trainable*> parts{
        {"text", &text}, {"vision", &vision}, {"temperature", &temperature}};
    if (Status s = runLoop("clip", o, parts, loss); !s)
        return s;
    {
        // Top-1 retrieval on 256 unseen scenes, full captions.
        c10::NoGradGuard noGrad;
        const SceneBatch b = sceneBatch(o.seed, kStatisticsScenes + 1000, 256);
        std::vector<std::string> captions;
        for (const Scene& s : b.scenes)
            captions.push_back(caption(s));
        const at::Tensor t =
            textModel
                .forward(tokenIds(tokenizer, captions, MiniModel::kTokens).ids, at::Tensor(), false)
                .textEmbeds;
        const at::Tensor v = visionModel.forward(clipPixels(b.images, processor), false).imageEmbeds;
        const at::Tensor sim = (v / v.norm(2, 1, true)).matmul((t / t.norm(2, 1, true)).t());
        const double top1 =
            (sim.argmax(1) == at::arange(256, at::kLong)).to(at::kFloat).mean().item<double>();
        std::printf("clip: image-to-caption top-1 among 256 unseen scenes %.1f %%\n", 100 * top1);
        // One object's box against its phrase and nine others of the same size word (the
        // evaluation's question, asked of true pictures).
        WorldRandom rng(o.seed * 2222);
        int hits = 0;
        for (std::size_t i = 0; i < b.scenes.size(); ++i) {
            const WorldObject& object = b.scenes[i].objects[i % b.scenes[i].objects.size()];
            std::vector<std::string> phrases{objectPhrase(object)};
            while (phrases.size() < 10) {
                WorldObject other = object;
                other.colour = rng.below(static_cast<int>(worldColours().size()));
                other.shape = static_cast<Shape>(rng.below(kShapeCount));
                if (std::find(phrases.begin(), phrases.end(), objectPhrase(other)) == phrases.end())
                    phrases.push_back(objectPhrase(other));
            }
            const at::Tensor pt =
                textModel
                    .forward(tokenIds(tokenizer, phrases, MiniModel::kTokens).ids, at::Tensor(), false)
                    .textEmbeds;
            const at::Tensor pv =
                visionModel
                    .forward(clipPixelsOfBox(b.images.slice(0, static_cast<std::int64_t>(i),
                                                            static_cast<std::int64_t>(i) + 1),
                                             objectBox(object, 4), processor),
                             false)
                    .imageEmbeds;
            hits += (pv / pv.norm(2, 1, true))
                                .matmul((pt / pt.norm(2, 1, true)).t())
                                .argmax(1)
                                .item<std::int64_t>() == 0
                        ? 1
                        : 0;
        }
        std::printf("clip: object box to its phrase, top-1 among 10, %.1f %% of 256 unseen scenes\n",
                    100.0 * hits / static_cast<double>(b.scenes.size()));
    }
    text.setTrainable(false);
    vision.setTrainable(false);
    if (Status s = writeComponent(o.model, "prior_text_encoder", "model.safetensors", textConfig, text);
        !s)
        return s;
    return writeComponent(o.model, "prior_image_encoder", "model.safetensors", visionConfig, vision);
}

Status trainPrior(const StageOptions& o) {
    Towers towers;
    if (Status s = loadTowers(o, towers); !s)
        return s;
    const nlohmann::json config = MiniModel::prior();
    Trainable weights = Trainable::fresh(o.seed * 11 + 4, [&](const StateDict& w) {
        PriorTransformer m;
        return PriorTransformer::load(config, w, at::kCPU, at::kFloat, m);
    });
    {
        // clip_mean / clip_std: statistics of the image embeddings, not trained.
        c10::NoGradGuard noGrad;
        std::vector<at::Tensor> embeds;
        WorldRandom rng(o.seed * 6666);
        for (int chunk = 0; chunk < 8; ++chunk) {
            const SceneBatch b = sceneBatch(o.seed, kStatisticsScenes + 2000 + chunk * 256, 256);
            embeds.push_back(
                towers.vision.forward(clipPixels(b.images, towers.processor), false).imageEmbeds);
            std::vector<at::Tensor> boxes;
            for (std::size_t i = 0; i < b.scenes.size(); ++i)
                boxes.push_back(objectBoxPixels(b, i, rng, towers.processor).pixels);
            embeds.push_back(towers.vision.forward(at::cat(boxes), false).imageEmbeds);
        }
        const at::Tensor all = at::cat(embeds);
        weights.weights.at("clip_mean").requires_grad_(false).copy_(all.mean(0, true));
        weights.weights.at("clip_std").requires_grad_(false).copy_(all.std(0, true, true));
    }
    PriorTransformer prior;
    if (Status s = PriorTransformer::load(config, weights.weights, at::kCPU, at::kFloat, prior); !s)
        return s;
    const at::Tensor alphas = alphasCumprod(true);
    const at::Tensor mean = weights.weights.at("clip_mean").detach(),
                     stdev = weights.weights.at("clip_std").detach();
    const auto loss = [&](std::int64_t step) {
        const SceneBatch b =
            sceneBatch(o.seed, kPriorScenes + static_cast<std::uint64_t>(step) * o.batch, o.batch);
        at::Generator gen = generatorFor(o.seed, step, 4);
        WorldRandom rng(o.seed * 8888 + static_cast<std::uint64_t>(step));
        // Half the rows: a scene's caption (or, 10 %, nothing) → the scene's embedding; the
        // other half: one object's phrase → the embedding of that object's box, which is what
        // a prompt typed for a masked region asks the decoder for.
        const int half = o.batch / 2;
        std::vector<std::string> captions;
        std::vector<at::Tensor> pixels{clipPixels(b.images.slice(0, 0, half), towers.processor)};
        for (int i = 0; i < half; ++i) {
            const std::uint64_t r =
                static_cast<std::uint64_t>(step) * 131 + static_cast<std::uint64_t>(i) * 17;
            captions.push_back(r % 10 == 0 ? std::string()
                                           : captionVariant(b.scenes[static_cast<std::size_t>(i)],
                                                            static_cast<int>(r / 10 % 2)));
        }
        for (int i = half; i < o.batch; ++i) {
            const ObjectBoxPixels box =
                objectBoxPixels(b, static_cast<std::size_t>(i), rng, towers.processor);
            pixels.push_back(box.pixels);
            captions.push_back(box.phrase);
        }
        at::Tensor target, projection, hidden;
        TokenIds tokens = tokenIds(towers.tokenizer, captions, MiniModel::kTokens);
        {
            c10::NoGradGuard noGrad;
            target = (towers.vision.forward(at::cat(pixels), false).imageEmbeds - mean) / stdev;
            const ClipTextModel::Output out = towers.text.forward(tokens.ids, at::Tensor(), false);
            projection = out.textEmbeds;
            hidden = out.lastHiddenState;
        }
        const at::Tensor t = at::randint(0, 1000, {o.batch}, gen, at::kLong);
        const at::Tensor abar = alphas.index_select(0, t).unsqueeze(1);
        const at::Tensor noise = at::randn(target.sizes(), gen);
        const at::Tensor noisy = abar.sqrt() * target + (1 - abar).sqrt() * noise;
        const at::Tensor predicted = prior.forward(noisy, t, projection, hidden, tokens.mask);
        return (predicted - target).pow(2).mean();
    };
    std::map<std::string, Trainable*> parts{{"prior", &weights}};
    if (Status s = runLoop("prior", o, parts, loss); !s)
        return s;
    weights.setTrainable(false);
    return writeComponent(o.model, "prior_prior", "diffusion_pytorch_model.safetensors", config,
                          weights);
}

namespace {

// The decoder stage's data, computed once with the frozen MoVQ and image tower (and kept in
// <work>/decoder-data.safetensors), since each scene is seen several times, under other masks,
// noise levels and guidance drops: every scene's latents and image embedding; the embedding of
// the box of each of its objects ([scenes, 3, dim], zero past its objects), so that the decoder
// learns to draw any of them from its box; and for one object (its "target", which erasing
// learns on), the latents and embedding of the scene without it. Loaded when the file matches
// the scene count, the targets, the MoVQ and the image tower.
struct DecoderData {
    at::Tensor latents, embeds, objectBoxEmbeds, withoutLatents, withoutEmbeds;
};

// Scene `row`'s target object and the margin of its box.
std::pair<int, int> decoderTarget(const StageOptions& o, std::int64_t row, const Scene& scene) {
    WorldRandom r(o.seed * 9999 + static_cast<std::uint64_t>(row));
    return {r.below(static_cast<int>(scene.objects.size())), r.between(2, 10)};
}

// Every decoder scene's target object and box margin ([scenes, 2]): stored with the cached data,
// whose "without" latents belong to that object, and checked on loading. (A cache made by an
// earlier version of decoderTarget once paired about half the masks with another object's
// embedding, and taught erasing on the wrong object, without any error.)
at::Tensor decoderTargets(const StageOptions& o, std::int64_t sceneCount) {
    std::vector<std::int64_t> values;
    for (std::int64_t row = 0; row < sceneCount; ++row) {
        const auto [target, margin] =
            decoderTarget(o, row, makeScene(o.seed, kDecoderScenes + static_cast<std::uint64_t>(row)));
        values.push_back(target);
        values.push_back(margin);
    }
    return at::tensor(values, at::kLong).view({sceneCount, 2});
}

// The CLIP input of every object's box of a batch of scenes (the target's with its own margin,
// the others' with margins of their own), and where each goes in a [scenes × 3] table.
// `targets`: decoderTargets() of all scenes; the batch starts at scene `first`.
void objectBoxPixelsOfScenes(const StageOptions& o, const SceneBatch& b, std::int64_t first,
                             const at::Tensor& targets, const nlohmann::json& processor,
                             std::vector<at::Tensor>& pixels, std::vector<std::int64_t>& slots) {
    for (std::size_t i = 0; i < b.scenes.size(); ++i) {
        const std::int64_t row = first + static_cast<std::int64_t>(i);
        const auto target = targets[row][0].item<std::int64_t>();
        const auto targetMargin = static_cast<int>(targets[row][1].item<std::int64_t>());
        WorldRandom margins(o.seed * 4444 + static_cast<std::uint64_t>(row));
        for (std::size_t k = 0; k < b.scenes[i].objects.size() && k < 3; ++k) {
            const int margin =
                static_cast<std::int64_t>(k) == target ? targetMargin : margins.between(2, 10);
            pixels.push_back(clipPixelsOfBox(
                b.images.slice(0, static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 1),
                objectBox(b.scenes[i].objects[k], margin), processor));
            slots.push_back(static_cast<std::int64_t>(i) * 3 + static_cast<std::int64_t>(k));
        }
    }
}

// Whether the cached data was made by this MoVQ and image tower: the first scene, encoded again,
// gives the same latents and embedding (up to float rounding; another model differs by far more).
bool madeByTheseModels(const StageOptions& o, const Towers& towers, const VqModel& movq,
                       const DecoderData& d) {
    c10::NoGradGuard noGrad;
    const SceneBatch b = sceneBatch(o.seed, kDecoderScenes, 1);
    const at::Tensor latents = movq.encode(b.images * 2 - 1);
    const at::Tensor embeds =
        towers.vision.forward(clipPixels(b.images, towers.processor), false).imageEmbeds;
    const auto close = [](const at::Tensor& a, const at::Tensor& b) {
        return a.sizes() == b.sizes() && (a - b).abs().max().item<double>() <= 1e-3;
    };
    return close(latents, d.latents.slice(0, 0, 1)) && close(embeds, d.embeds.slice(0, 0, 1));
}

Status decoderData(const StageOptions& o, const Towers& towers, const VqModel& movq, DecoderData& d) {
    const std::int64_t sceneCount = o.decoderScenes;
    const std::string cache = (fs::path(o.work) / "decoder-data.safetensors").string();
    const at::Tensor targets = decoderTargets(o, sceneCount);
    {
        Safetensors file;
        at::Tensor cachedTargets;
        if (Safetensors::open(cache, file) && file.tensor("targets", cachedTargets) &&
            cachedTargets.sizes() == targets.sizes() && at::equal(cachedTargets, targets) &&
            file.tensor("latents", d.latents) && file.tensor("embeds", d.embeds) &&
            file.tensor("object_box_embeds", d.objectBoxEmbeds) &&
            file.tensor("without_latents", d.withoutLatents) &&
            file.tensor("without_embeds", d.withoutEmbeds) && d.latents.size(0) == sceneCount &&
            d.latents.size(1) == movq.latentChannels() &&
            d.latents.size(2) * movq.downFactor() == kSceneSide &&
            madeByTheseModels(o, towers, movq, d)) {
            std::printf("decoder-data: %lld scenes' latents from %s\n",
                        static_cast<long long>(sceneCount), cache.c_str());
        } else {
            c10::NoGradGuard noGrad;
            std::vector<at::Tensor> latents, embeds, boxes, wLatents, wEmbeds;
            for (std::int64_t first = 0; first < sceneCount; first += 256) {
                const SceneBatch b =
                    sceneBatch(o.seed, kDecoderScenes + static_cast<std::uint64_t>(first),
                               static_cast<int>(std::min<std::int64_t>(256, sceneCount - first)));
                std::vector<at::Tensor> boxPixels, without;
                std::vector<std::int64_t> slots;
                objectBoxPixelsOfScenes(o, b, first, targets, towers.processor, boxPixels, slots);
                for (std::size_t i = 0; i < b.scenes.size(); ++i) {
                    const auto target =
                        targets[first + static_cast<std::int64_t>(i)][0].item<std::int64_t>();
                    Scene rest = b.scenes[i];
                    rest.objects.erase(rest.objects.begin() + target);
                    without.push_back(imageTensor(render(rest)));
                }
                const at::Tensor withoutImages = at::cat(without);
                latents.push_back(movq.encode(b.images * 2 - 1));
                embeds.push_back(
                    towers.vision.forward(clipPixels(b.images, towers.processor), false).imageEmbeds);
                const at::Tensor boxEmbeds =
                    towers.vision.forward(at::cat(boxPixels), false).imageEmbeds;
                at::Tensor table =
                    at::zeros({static_cast<std::int64_t>(b.scenes.size()) * 3, boxEmbeds.size(1)});
                table.index_copy_(0, at::tensor(slots, at::kLong), boxEmbeds);
                boxes.push_back(table.view({-1, 3, boxEmbeds.size(1)}));
                wLatents.push_back(movq.encode(withoutImages * 2 - 1));
                wEmbeds.push_back(
                    towers.vision.forward(clipPixels(withoutImages, towers.processor), false)
                        .imageEmbeds);
            }
            d.latents = at::cat(latents);
            d.embeds = at::cat(embeds);
            d.objectBoxEmbeds = at::cat(boxes);
            d.withoutLatents = at::cat(wLatents);
            d.withoutEmbeds = at::cat(wEmbeds);
            if (Status s = Safetensors::write(cache, {{"latents", d.latents},
                                                      {"embeds", d.embeds},
                                                      {"object_box_embeds", d.objectBoxEmbeds},
                                                      {"without_latents", d.withoutLatents},
                                                      {"without_embeds", d.withoutEmbeds},
                                                      {"targets", targets}});
                !s)
                return s;
            std::printf("decoder-data: encoded %lld scenes\n", static_cast<long long>(sceneCount));
        }
        std::fflush(stdout);
    }
    return Status::ok();
}

} // namespace

Status encodeDecoderData(const StageOptions& o) {
    Towers towers;
    if (Status s = loadTowers(o, towers); !s)
        return s;
    VqModel movq;
    if (Status s = loadMovq(o, movq); !s)
        return s;
    const auto start = std::chrono::steady_clock::now();
    DecoderData data;
    if (Status s = decoderData(o, towers, movq, data); !s)
        return s;
    std::printf("decoder-data: %.0f s\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return Status::ok();
}

Status trainDecoder(const StageOptions& o) {
    Towers towers;
    if (Status s = loadTowers(o, towers); !s)
        return s;
    VqModel movq;
    if (Status s = loadMovq(o, movq); !s)
        return s;
    const nlohmann::json config = MiniModel::unet();
    Trainable weights = Trainable::fresh(o.seed * 11 + 5, [&](const StateDict& w) {
        UNet2DConditionModel m;
        return UNet2DConditionModel::load(config, w, at::kCPU, at::kFloat, m);
    });
    {
        c10::NoGradGuard noGrad;
        weights.weights.at("conv_out.weight").zero_();
    }
    UNet2DConditionModel unet;
    if (Status s = UNet2DConditionModel::load(config, weights.weights, at::kCPU, at::kFloat, unet); !s)
        return s;
    at::Tensor zeroEmbedding;
    {
        c10::NoGradGuard noGrad;
        zeroEmbedding =
            towers.vision
                .forward(at::zeros({1, 3, MiniModel::kImageSize, MiniModel::kImageSize}), false)
                .imageEmbeds;
    }
    DecoderData data;
    if (Status s = decoderData(o, towers, movq, data); !s)
        return s;
    const std::int64_t sceneCount = data.latents.size(0);
    const at::Tensor &allLatents = data.latents, &allEmbeds = data.embeds,
                     &objectBoxEmbeds = data.objectBoxEmbeds, &withoutLatents = data.withoutLatents,
                     &withoutEmbeds = data.withoutEmbeds;
    const at::Tensor alphas = alphasCumprod(false);
    const auto loss = [&](std::int64_t step, int shard, int shards) {
        at::Generator gen = generatorFor(o.seed, step, 5);
        const at::Tensor rows = at::randint(0, sceneCount, {o.batch}, gen, at::kLong);
        std::vector<Scene> scenes;
        std::vector<int> targets;
        // 15 % of the rows erase the scene's own target (its "without" latents are cached);
        // the others may draw any of the scene's objects.
        std::vector<bool> erase(static_cast<std::size_t>(o.batch), false);
        WorldRandom choose(o.seed * 5555 + static_cast<std::uint64_t>(step));
        for (int i = 0; i < o.batch; ++i) {
            const std::int64_t row = rows[i].item<std::int64_t>();
            scenes.push_back(makeScene(o.seed, kDecoderScenes + static_cast<std::uint64_t>(row)));
            erase[static_cast<std::size_t>(i)] = choose.below(100) < 15;
            const int count = static_cast<int>(std::min<std::size_t>(3, scenes.back().objects.size()));
            targets.push_back(erase[static_cast<std::size_t>(i)]
                                  ? decoderTarget(o, row, scenes.back()).first
                                  : choose.below(count));
        }
        WorldRandom rng(o.seed * 7777 + static_cast<std::uint64_t>(step));
        at::Tensor latents, embeds, keep;
        {
            c10::NoGradGuard noGrad;
            const TrainingMasks m = trainingMasks(scenes, targets, rng);
            // Under the chosen object's box: 60 % the box's own embedding (a prompt for that
            // region), 25 % the scene's, 15 % erase: the scene without the scene's target,
            // conditioned on its embedding (what an empty prompt gives). Elsewhere the scene's
            // embedding.
            std::vector<std::int64_t> source(static_cast<std::size_t>(o.batch), 0);
            std::vector<std::int64_t> boxSlots(static_cast<std::size_t>(o.batch), 0);
            for (int i = 0; i < o.batch; ++i) {
                boxSlots[static_cast<std::size_t>(i)] =
                    rows[i].item<std::int64_t>() * 3 + targets[static_cast<std::size_t>(i)];
                if (!m.onTarget[static_cast<std::size_t>(i)])
                    continue;
                source[static_cast<std::size_t>(i)] = erase[static_cast<std::size_t>(i)] ? 2
                                                      : rng.below(85) < 60               ? 1
                                                                                         : 0;
            }
            const at::Tensor kind = at::tensor(source, at::kLong);
            const at::Tensor selected = allEmbeds.index_select(0, rows);
            const at::Tensor isBox = (kind == 1).to(at::kFloat).unsqueeze(1);
            const at::Tensor isErase = (kind == 2).to(at::kFloat);
            embeds =
                selected * (1 - isBox) + objectBoxEmbeds.view({-1, objectBoxEmbeds.size(2)})
                                                 .index_select(0, at::tensor(boxSlots, at::kLong)) *
                                             isBox;
            embeds = embeds * (1 - isErase.unsqueeze(1)) +
                     withoutEmbeds.index_select(0, rows) * isErase.unsqueeze(1);
            const at::Tensor eraseRows = isErase.view({-1, 1, 1, 1});
            latents = allLatents.index_select(0, rows) * (1 - eraseRows) +
                      withoutLatents.index_select(0, rows) * eraseRows;
            // Guidance needs the unconditional model: 10 % of rows get the zero-image embedding.
            const at::Tensor drop = (at::rand({o.batch, 1}, gen) < 0.1).to(at::kFloat);
            embeds = embeds * (1 - drop) + zeroEmbedding * drop;
            keep = KandinskyInpaintPipeline::erodeKeepMask(
                at::upsample_nearest2d(1 - m.masks, {latents.size(2), latents.size(3)}));
        }
        const at::Tensor t = at::randint(0, 1000, {o.batch}, gen, at::kLong);
        const at::Tensor abar = alphas.index_select(0, t).view({-1, 1, 1, 1});
        const at::Tensor noise = at::randn(latents.sizes(), gen);
        const at::Tensor noisy = abar.sqrt() * latents + (1 - abar).sqrt() * noise;
        // v-prediction (the scheduler config says "v_prediction"): at high noise ε says almost
        // nothing about the picture, so an ε-model decides an object's colour and shape from
        // poor estimates; v = √ᾱ·ε − √(1−ᾱ)·x₀ is the picture there and the noise near the end.
        const at::Tensor velocity = abar.sqrt() * noise - (1 - abar).sqrt() * latents;
        // The hole counts more: that is where the model has to draw.
        const at::Tensor weight = 1 + 2 * (1 - keep);
        const auto [begin, end] = shardRows(o.batch, shard, shards);
        const auto mine = [&](const at::Tensor& x) {
            return x.slice(0, begin, end);
        };
        const at::Tensor input = at::cat({noisy, latents * keep, keep}, 1);
        const at::Tensor predicted = unet.forward(mine(input), mine(t), at::Tensor(), mine(embeds));
        return ((predicted - mine(velocity)).pow(2) * mine(weight)).mean();
    };
    std::map<std::string, Trainable*> parts{{"unet", &weights}};
    if (Status s = runLoop("decoder", o, parts, loss, o.workers); !s)
        return s;
    weights.setTrainable(false);
    // The scheduler config carries the prediction type the UNet was trained for.
    if (Status s = writeJson(fs::path(o.model) / "scheduler" / "scheduler_config.json",
                             MiniModel::scheduler());
        !s)
        return s;
    return writeComponent(o.model, "unet", "diffusion_pytorch_model.safetensors", config, weights);
}

} // namespace limner::engine::ml::train
