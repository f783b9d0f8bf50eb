#include "engine/ml/pipelines/KandinskyPrior.h"

#include "engine/ml/nn/ModelFormatError.h"
#include "engine/ml/nn/RandomWeightScope.h"
#include "engine/ml/pipelines/CandidateNoise.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "engine/ml/pipelines/ZeroEmbeddingCache.h"
#include "engine/ml/schedulers/SchedulerFactory.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

namespace limner::engine::ml {

namespace {

struct Layout {
    std::string root;
    std::string prior, textEncoder, tokenizer, imageEncoder, scheduler;
};

bool findLayout(const PipelineFolder& folder, Layout& out) {
    if (folder.hasComponent("prior_prior")) {
        out = {folder.root(),     "prior_prior",         "prior_text_encoder",
               "prior_tokenizer", "prior_image_encoder", "prior_scheduler"};
        return true;
    }
    if (folder.hasComponent("prior/prior")) {
        out = {folder.componentPath("prior"),
               "prior",
               "text_encoder",
               "tokenizer",
               "image_encoder",
               "scheduler"};
        return true;
    }
    if (folder.hasComponent("prior")) {
        out = {folder.root(), "prior", "text_encoder", "tokenizer", "image_encoder", "prior_scheduler"};
        return true;
    }
    if (const PipelineFolder* prior = folder.prior()) {
        out = {prior->root(), "prior", "text_encoder", "tokenizer", "image_encoder", "scheduler"};
        return true;
    }
    return false;
}

std::vector<double> numbers(const nlohmann::json& config, const char* key,
                            std::vector<double> fallback) {
    const auto it = config.find(key);
    if (it == config.end() || !it->is_array() || it->size() != 3)
        return fallback;
    std::vector<double> out;
    for (const auto& v : *it) {
        if (!v.is_number())
            return fallback;
        out.push_back(v.get<double>());
    }
    return out;
}

} // namespace

Status KandinskyPrior::load(const PipelineFolder& decoderFolder, c10::Device device,
                            c10::ScalarType dtype, bool& found, KandinskyPrior& out) {
    Layout layout;
    found = findLayout(decoderFolder, layout);
    if (!found)
        return Status::ok();
    PipelineFolder folder;
    if (Status s = PipelineFolder::open(layout.root, folder); !s)
        return s;
    for (const std::string& name :
         {layout.prior, layout.textEncoder, layout.tokenizer, layout.imageEncoder, layout.scheduler}) {
        if (!folder.hasComponent(name))
            return Status::notFound("the Kandinsky prior in " + layout.root + " lacks " + name + "/");
    }
    KandinskyPrior p;
    p.m_device = device;
    p.m_dtype = dtype;
    if (Status s = folder.loadTokenizer(layout.tokenizer, p.m_tokenizer); !s)
        return s;
    nlohmann::json priorConfig, textConfig, imageConfig, processorConfig;
    if (Status s = folder.readJson(layout.prior, "config.json", priorConfig); !s)
        return s;
    if (Status s = folder.readJson(layout.textEncoder, "config.json", textConfig); !s)
        return s;
    if (Status s = folder.readJson(layout.imageEncoder, "config.json", imageConfig); !s)
        return s;
    if (Status s = folder.readJson(layout.scheduler, "scheduler_config.json", p.m_schedulerConfig); !s)
        return s;
    p.m_schedulerSource = folder.sourceOf(layout.scheduler, "scheduler_config.json");
    {
        std::unique_ptr<Scheduler> probe;
        if (Status s = SchedulerFactory::create(p.m_schedulerConfig, p.m_schedulerSource, probe); !s)
            return s;
    }
    const std::string processorDir =
        layout.root == decoderFolder.root() ? "prior_image_processor" : "image_processor";
    if (folder.readJson(processorDir, "preprocessor_config.json", processorConfig)) {
        readImageProcessor(processorConfig, p.m_imageMean, p.m_imageStd);
    }
    StateDict weights;
    if (Status s = folder.loadWeights(layout.textEncoder, device, dtype, weights); !s)
        return s;
    if (Status s = ClipTextModel::load(textConfig, weights, ClipTextModel::Head::Projection, device,
                                       dtype, p.m_textEncoder);
        !s)
        return Status(s.code(), layout.textEncoder + ": " + s.message());
    if (Status s = folder.loadWeights(layout.prior, device, dtype, weights); !s)
        return s;
    if (Status s = PriorTransformer::load(priorConfig, weights, device, dtype, p.m_prior); !s)
        return Status(s.code(), layout.prior + ": " + s.message());
    weights.clear();
    p.m_folder = std::make_shared<PipelineFolder>(folder);
    p.m_imageEncoderComponent = layout.imageEncoder;
    p.m_imageConfig = imageConfig;
    if (Status s = p.findZeroEmbedding(device); !s)
        return s;
    p.m_embeddingDim = p.m_zeroEmbedding.size(1);
    out = std::move(p);
    return Status::ok();
}

KandinskyPrior::Encoded KandinskyPrior::encodeText(const std::string& text) const {
    const ClipTokenizer::Encoding e =
        m_tokenizer.encodePadded(text, static_cast<int>(m_textEncoder.maxTokens()));
    const at::Tensor ids =
        at::tensor(e.ids, at::TensorOptions().dtype(at::kLong)).unsqueeze(0).to(m_device);
    const at::Tensor mask =
        at::tensor(e.attentionMask, at::TensorOptions().dtype(at::kLong)).unsqueeze(0).to(m_device);
    const ClipTextModel::Output o = m_textEncoder.forward(ids, at::Tensor(), false);
    return {o.textEmbeds, o.lastHiddenState, mask};
}

Status KandinskyPrior::embed(const std::string& prompt, const std::string& negativePrompt, int steps,
                             double guidanceScale, int candidates, CandidateNoise& noise,
                             const InpaintCallbacks& callbacks, at::Tensor& positive,
                             at::Tensor& negative) const {
    const std::int64_t n = candidates;
    const bool guided = guidanceScale > 1.0;
    // As the prior pipeline does with a negative prompt: it is sampled as a second prompt (its
    // own unconditional input is the negative prompt too, so guidance leaves it unchanged).
    std::vector<std::string> texts{prompt};
    if (!negativePrompt.empty())
        texts.push_back(negativePrompt);
    std::vector<at::Tensor> embeds, hidden, masks;
    for (const std::string& text : texts) {
        const Encoded e = encodeText(text);
        embeds.push_back(e.embeds.repeat({n, 1}));
        hidden.push_back(e.hidden.repeat({n, 1, 1}));
        masks.push_back(e.mask.repeat({n, 1}));
    }
    const std::int64_t rows = static_cast<std::int64_t>(texts.size()) * n;
    at::Tensor projection = at::cat(embeds), context = at::cat(hidden), mask = at::cat(masks);
    if (guided) {
        const Encoded u = encodeText(negativePrompt);
        projection = at::cat({u.embeds.repeat({rows, 1}), projection});
        context = at::cat({u.hidden.repeat({rows, 1, 1}), context});
        mask = at::cat({u.mask.repeat({rows, 1}), mask});
    }

    std::unique_ptr<Scheduler> scheduler;
    if (Status s = SchedulerFactory::create(m_schedulerConfig, m_schedulerSource, scheduler); !s)
        return s;
    if (Status s = scheduler->setTimesteps(steps); !s)
        return s;
    // The prior's latents and its scheduler's arithmetic stay in float32 (see the decoders).
    const at::TensorOptions opts = at::TensorOptions().device(m_device).dtype(at::kFloat);
    const auto drawRows = [&] {
        std::vector<at::Tensor> parts;
        for (std::size_t r = 0; r < texts.size(); ++r)
            parts.push_back(noise.draw({m_embeddingDim}));
        return at::cat(parts).to(opts);
    };
    at::Tensor latents = drawRows() * scheduler->initNoiseSigma();
    const at::Tensor timesteps = scheduler->timesteps().to(m_device);
    for (int i = 0; i < timesteps.size(0); ++i) {
        if (callbacks.cancel && callbacks.cancel->load(std::memory_order_relaxed))
            return Status::cancelled();
        const at::Tensor x = guided ? at::cat({latents, latents}) : latents;
        at::Tensor prediction =
            m_prior.forward(x.to(m_dtype), timesteps[i], projection, context, mask).to(at::kFloat);
        if (guided) {
            const auto halves = prediction.chunk(2);
            prediction = halves[0] + guidanceScale * (halves[1] - halves[0]);
        }
        const at::Tensor stepNoise = scheduler->drawsNoise(i) ? drawRows() : at::Tensor();
        SchedulerStep step;
        if (Status s = scheduler->step(prediction, i, latents, stepNoise, step); !s)
            return s;
        latents = step.prevSample;
    }
    const at::Tensor embeddings = m_prior.postProcessLatents(latents).to(m_dtype);
    positive = embeddings.slice(0, 0, n);
    negative = texts.size() > 1 ? embeddings.slice(0, n, 2 * n) : m_zeroEmbedding.repeat({n, 1});
    return Status::ok();
}

void KandinskyPrior::readImageProcessor(const nlohmann::json& config, std::vector<double>& mean,
                                        std::vector<double>& std) {
    mean = numbers(config, "image_mean", mean);
    std = numbers(config, "image_std", std);
}

at::Tensor KandinskyPrior::clipInput(const at::Tensor& rgb01, std::int64_t size,
                                     const std::vector<double>& mean, const std::vector<double>& std) {
    const std::int64_t h = rgb01.size(2), w = rgb01.size(3);
    const double scale = static_cast<double>(size) / static_cast<double>(std::min(h, w));
    const std::int64_t rh = std::max<std::int64_t>(size, static_cast<std::int64_t>(h * scale + 0.5));
    const std::int64_t rw = std::max<std::int64_t>(size, static_cast<std::int64_t>(w * scale + 0.5));
    at::Tensor resized = at::_upsample_bicubic2d_aa(rgb01, {rh, rw}, false);
    const std::int64_t top = (rh - size) / 2, left = (rw - size) / 2;
    resized = resized.slice(2, top, top + size).slice(3, left, left + size);
    const auto column = [&](const std::vector<double>& v) {
        return at::tensor(v, at::kFloat).view({1, 3, 1, 1}).to(rgb01.device());
    };
    return (resized - column(mean)) / column(std);
}

Status KandinskyPrior::loadImageEncoder(c10::Device device, ClipVisionModel& out) const {
    StateDict weights;
    if (Status s = m_folder->loadWeights(m_imageEncoderComponent, device, m_dtype, weights); !s)
        return s;
    if (Status s = ClipVisionModel::load(m_imageConfig, weights, device, m_dtype, out); !s)
        return Status(s.code(), m_imageEncoderComponent + ": " + s.message());
    return Status::ok();
}

Status KandinskyPrior::findZeroEmbedding(c10::Device device) {
    const at::TensorOptions options = at::TensorOptions().device(device).dtype(m_dtype);
    std::vector<std::string> files;
    const Status found = m_folder->weightFiles(m_imageEncoderComponent, files);
    if (found.code() == Status::Code::NotFound && RandomWeightScope::current()) {
        // A benchmark of a model's size from its configs: random weights, nothing to cache, and
        // the tower stays unread as it does for a text prompt once the cache is warm.
        const auto projection = m_imageConfig.find("projection_dim");
        const std::int64_t dim = projection != m_imageConfig.end() && projection->is_number_integer()
                                     ? projection->get<std::int64_t>()
                                     : 512;
        m_zeroEmbedding = at::zeros({1, dim}, options);
        m_imageSize = m_imageConfig.value("image_size", std::int64_t{224});
        return Status::ok();
    }
    if (!found)
        return found;
    std::string key;
    // On the meta device (a check without data, see inspectModel) the tower is checked and only
    // the embedding's shape is known.
    if (!device.is_meta() && ZeroEmbeddingCache::key(files, c10::toString(m_dtype), key) &&
        ZeroEmbeddingCache::load(key, m_zeroEmbedding)) {
        m_zeroEmbedding = m_zeroEmbedding.to(options);
        m_imageSize = m_imageConfig.value("image_size", std::int64_t{224});
        return Status::ok();
    }
    ClipVisionModel encoder;
    if (Status s = loadImageEncoder(device, encoder); !s)
        return s;
    m_imageSize = encoder.imageSize();
    if (device.is_meta()) {
        m_zeroEmbedding = at::empty({1, encoder.projectionDim()}, options);
        return Status::ok();
    }
    try {
        c10::InferenceMode inference;
        m_zeroEmbedding =
            encoder.forward(at::zeros({1, 3, m_imageSize, m_imageSize}, options), false).imageEmbeds;
    } catch (const c10::Error& e) {
        return Status::modelFormat(m_imageEncoderComponent + ": " + e.what_without_backtrace());
    }
    if (!key.empty())
        ZeroEmbeddingCache::store(key, m_zeroEmbedding);
    return Status::ok();
}

at::Tensor KandinskyPrior::imageEmbedding(const at::Tensor& rgb) const {
    if (!m_imageEncoder) {
        ClipVisionModel encoder;
        if (Status s = loadImageEncoder(m_device, encoder); !s)
            throw ModelFormatError(s.message());
        m_imageEncoder = std::move(encoder);
    }
    const at::Tensor pixels =
        clipInput(rgb.to(m_device, at::kFloat), m_imageSize, m_imageMean, m_imageStd);
    return m_imageEncoder->forward(pixels.to(m_dtype), false).imageEmbeds;
}

} // namespace limner::engine::ml
