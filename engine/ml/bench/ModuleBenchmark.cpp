#include "engine/ml/bench/ModuleBenchmark.h"

#include "engine/ml/bench/BenchOptions.h"
#include "engine/ml/config/JsonFile.h"
#include "engine/ml/io/Safetensors.h"
#include "engine/ml/nn/AutoencoderKl.h"
#include "engine/ml/nn/AutoencoderTiling.h"
#include "engine/ml/nn/ClipTextModel.h"
#include "engine/ml/nn/ClipVisionModel.h"
#include "engine/ml/nn/PriorTransformer.h"
#include "engine/ml/nn/RandomWeightScope.h"
#include "engine/ml/nn/UNet2DConditionModel.h"
#include "engine/ml/nn/VqModel.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <sstream>

namespace limner::engine::ml {

namespace {

std::string shapeText(const at::Tensor& t) {
    std::ostringstream s;
    s << '[';
    for (std::int64_t i = 0; i < t.dim(); ++i)
        s << (i ? "x" : "") << t.size(i);
    s << ']';
    return s.str();
}

std::int64_t jsonInteger(const nlohmann::json& config, const char* key, std::int64_t fallback) {
    const auto it = config.find(key);
    return it != config.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

std::string jsonString(const nlohmann::json& config, const char* key) {
    const auto it = config.find(key);
    return it != config.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Forces queued device work to finish (a no-op wait on the CPU).
void synchronise(const at::Tensor& t) {
    if (t.defined() && !t.is_cpu())
        (void)t.flatten()[0].item<float>();
}

class Builder {
public:
    Builder(const BenchOptions& o, const nlohmann::json& config)
        : m_o(o)
        , m_config(config)
        , m_random(o.seed) {}

    at::TensorOptions floats() const { return at::TensorOptions().dtype(m_o.dtype).device(m_o.device); }
    at::Tensor randn(at::IntArrayRef shape) const { return at::randn(shape, floats()); }
    std::int64_t parameters() const { return m_random.parameterCount(); }
    // Every weight handed out from now on, by its state_dict name.
    void record(StateDict* into) { m_random.recordInto(into); }

    Status unet(std::vector<ModuleBenchmark::Call>& calls) {
        auto unet = std::make_shared<UNet2DConditionModel>();
        if (Status s = UNet2DConditionModel::load(m_config, {}, m_o.device, m_o.dtype, *unet); !s)
            return s;
        const std::int64_t h = m_o.height > 0 ? m_o.height : 64;
        const std::int64_t w = m_o.width > 0 ? m_o.width : 64;
        const at::Tensor sample = randn({m_o.batch, unet->inChannels(), h, w});
        const at::Tensor timesteps =
            at::full({m_o.batch}, 500, at::TensorOptions().dtype(at::kLong).device(m_o.device));
        at::Tensor context, image;
        const std::string hidType = jsonString(m_config, "encoder_hid_dim_type");
        if (hidType == "image_proj" || jsonString(m_config, "addition_embed_type") == "image")
            image = randn({m_o.batch, jsonInteger(m_config, "encoder_hid_dim", 1024)});
        if (hidType != "image_proj")
            context = randn({m_o.batch, 77, jsonInteger(m_config, "cross_attention_dim", 1280)});
        std::string inputs = "sample " + shapeText(sample);
        if (context.defined())
            inputs += ", text " + shapeText(context);
        if (image.defined())
            inputs += ", image embeds " + shapeText(image);
        calls.push_back({"unet forward", inputs, [=] {
                             return unet->forward(sample, timesteps, context, image);
                         }});
        return Status::ok();
    }

    Status vae(std::vector<ModuleBenchmark::Call>& calls) {
        auto vae = std::make_shared<AutoencoderKl>();
        if (Status s = AutoencoderKl::load(m_config, {}, m_o.device, m_o.dtype, *vae); !s)
            return s;
        const at::Tensor image =
            randn({m_o.batch, jsonInteger(m_config, "in_channels", 3), imageHeight(), imageWidth()});
        const std::int64_t f = vae->downFactor();
        const at::Tensor latents = randn({m_o.batch, jsonInteger(m_config, "latent_channels", 4),
                                          imageHeight() / f, imageWidth() / f});
        calls.push_back({"vae encode", "image " + shapeText(image), [=] {
                             return vae->encode(image).mean;
                         }});
        calls.push_back({"vae decode", "latents " + shapeText(latents), [=] {
                             return vae->decode(latents);
                         }});
        return Status::ok();
    }

    Status movq(std::vector<ModuleBenchmark::Call>& calls) {
        auto movq = std::make_shared<VqModel>();
        if (Status s = VqModel::load(m_config, {}, m_o.device, m_o.dtype, *movq); !s)
            return s;
        const at::Tensor image =
            randn({m_o.batch, jsonInteger(m_config, "in_channels", 3), imageHeight(), imageWidth()});
        const std::int64_t f = movq->downFactor();
        const at::Tensor latents =
            randn({m_o.batch, movq->latentChannels(), imageHeight() / f, imageWidth() / f});
        calls.push_back({"movq encode", "image " + shapeText(image), [=] {
                             return movq->encode(image);
                         }});
        calls.push_back({"movq decode", "latents " + shapeText(latents), [=] {
                             return movq->decode(latents, true);
                         }});
        return Status::ok();
    }

    Status clipText(std::vector<ModuleBenchmark::Call>& calls) {
        auto clip = std::make_shared<ClipTextModel>();
        if (Status s = ClipTextModel::load(m_config, {}, ClipTextModel::headFromConfig(m_config),
                                           m_o.device, m_o.dtype, *clip);
            !s)
            return s;
        const std::int64_t vocab = jsonInteger(m_config, "vocab_size", 49408);
        const at::Tensor ids = at::randint(vocab, {m_o.batch, clip->maxTokens()},
                                           at::TensorOptions().dtype(at::kLong).device(m_o.device));
        calls.push_back({"clip-text forward", "ids " + shapeText(ids), [=] {
                             return clip->forward(ids, {}, false).lastHiddenState;
                         }});
        return Status::ok();
    }

    Status clipVision(std::vector<ModuleBenchmark::Call>& calls) {
        auto clip = std::make_shared<ClipVisionModel>();
        if (Status s = ClipVisionModel::load(m_config, {}, m_o.device, m_o.dtype, *clip); !s)
            return s;
        const at::Tensor pixels = randn({m_o.batch, jsonInteger(m_config, "num_channels", 3),
                                         clip->imageSize(), clip->imageSize()});
        calls.push_back({"clip-vision forward", "pixels " + shapeText(pixels), [=] {
                             return clip->forward(pixels, false).imageEmbeds;
                         }});
        return Status::ok();
    }

    Status prior(std::vector<ModuleBenchmark::Call>& calls) {
        auto prior = std::make_shared<PriorTransformer>();
        if (Status s = PriorTransformer::load(m_config, {}, m_o.device, m_o.dtype, *prior); !s)
            return s;
        const std::int64_t dim = jsonInteger(m_config, "embedding_dim", 768);
        const std::int64_t projDim = jsonInteger(m_config, "embedding_proj_dim", dim);
        const std::int64_t tokens = jsonInteger(m_config, "num_embeddings", 77);
        const at::Tensor hidden = randn({m_o.batch, dim});
        const at::Tensor proj = randn({m_o.batch, projDim});
        const at::Tensor context = randn({m_o.batch, tokens, dim});
        const at::Tensor mask =
            at::ones({m_o.batch, tokens}, at::TensorOptions().dtype(at::kLong).device(m_o.device));
        const at::Tensor timesteps =
            at::full({m_o.batch}, 500, at::TensorOptions().dtype(at::kLong).device(m_o.device));
        calls.push_back(
            {"prior forward", "embedding " + shapeText(hidden) + ", text " + shapeText(context), [=] {
                 return prior->forward(hidden, timesteps, proj, context, mask);
             }});
        return Status::ok();
    }

private:
    std::int64_t imageHeight() const { return m_o.height > 0 ? m_o.height : 512; }
    std::int64_t imageWidth() const { return m_o.width > 0 ? m_o.width : 512; }

    const BenchOptions& m_o;
    const nlohmann::json& m_config;
    RandomWeightScope m_random;
};

} // namespace

namespace {

Status build(const BenchOptions& options, StateDict* record, std::vector<ModuleBenchmark::Call>& calls,
             std::int64_t& parameterCount) {
    nlohmann::json config;
    if (Status s = JsonFile::read(options.configDir + "/config.json", config); !s)
        return s;
    try {
        at::manual_seed(options.seed);
        Builder builder(options, config);
        if (record)
            builder.record(record);
        Status s;
        if (options.module == "unet")
            s = builder.unet(calls);
        else if (options.module == "vae")
            s = builder.vae(calls);
        else if (options.module == "movq")
            s = builder.movq(calls);
        else if (options.module == "clip-text")
            s = builder.clipText(calls);
        else if (options.module == "clip-vision")
            s = builder.clipVision(calls);
        else if (options.module == "prior")
            s = builder.prior(calls);
        else
            s = Status::badInput("module \"" + options.module + "\" is not a single module");
        if (!s)
            return s;
        parameterCount = builder.parameters();
        return Status::ok();
    } catch (const c10::Error& e) {
        return Status::internal(e.what_without_backtrace());
    } catch (const std::exception& e) {
        return Status::internal(e.what());
    }
}

} // namespace

Status ModuleBenchmark::prepare(const BenchOptions& options, ModuleBenchmark& out) {
    std::vector<Call> calls;
    std::int64_t parameters = 0;
    if (Status s = build(options, nullptr, calls, parameters); !s)
        return s;
    out.m_calls = std::move(calls);
    out.m_parameterCount = parameters;
    return Status::ok();
}

Status ModuleBenchmark::save(const BenchOptions& options, std::int64_t& parameterCount) {
    StateDict weights;
    {
        std::vector<Call> calls; // the module lives only while its weights are recorded
        if (Status s = build(options, &weights, calls, parameterCount); !s)
            return s;
    }
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (auto& [name, tensor] : weights)
        tensors.emplace_back(name, std::move(tensor));
    weights.clear();
    std::sort(tensors.begin(), tensors.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    try {
        // Converted one at a time, each float32 original freed as its copy is made.
        if (options.saveDtype != at::kFloat) {
            for (auto& entry : tensors)
                entry.second = entry.second.to(options.saveDtype);
        }
    } catch (const c10::Error& e) {
        return Status::outOfMemory(e.what_without_backtrace());
    }
    return Safetensors::write(options.saveFile, tensors);
}

ModuleBenchmark::TileDifference ModuleBenchmark::tiledAgainstWhole(const Call& call,
                                                                   std::int64_t tilePixels) {
    const std::int64_t setting = AutoencoderTiling::tilePixels();
    AutoencoderTiling::setTilePixels(tilePixels);
    const at::Tensor tiled = call.run().to(at::kDouble);
    AutoencoderTiling::setTilePixels(0);
    const at::Tensor whole = call.run().to(at::kDouble);
    AutoencoderTiling::setTilePixels(setting);
    TileDifference d;
    d.range = (whole.max() - whole.min()).item<double>();
    d.largest = (tiled - whole).abs().max().item<double>();
    const double mse = (tiled - whole).square().mean().item<double>();
    d.psnr = mse > 0 ? 10 * std::log10(d.range * d.range / mse) : INFINITY;
    return d;
}

double ModuleBenchmark::millisecondsPerCall(const Call& call, int warmup, int iterations) {
    at::Tensor last;
    for (int i = 0; i < warmup; ++i)
        last = call.run();
    synchronise(last);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i)
        last = call.run();
    synchronise(last);
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / std::max(1, iterations);
}

} // namespace limner::engine::ml
