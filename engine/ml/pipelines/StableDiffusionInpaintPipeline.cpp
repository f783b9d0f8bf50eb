#include "engine/ml/pipelines/StableDiffusionInpaintPipeline.h"

#include "engine/ml/nn/Conv2d.h"
#include "engine/ml/pipelines/CandidateNoise.h"
#include "engine/ml/pipelines/DenoisingLoop.h"
#include "engine/ml/pipelines/LatentPreview.h"
#include "engine/ml/pipelines/PipelineFolder.h"
#include "engine/ml/pipelines/PipelineStopwatch.h"
#include "engine/ml/pipelines/SchedulerChoice.h"

#include <ATen/ATen.h>

namespace limner::engine::ml {

namespace {

std::int64_t configInteger(const nlohmann::json& config, const char* key, std::int64_t fallback) {
    const auto it = config.find(key);
    return it != config.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

bool configBool(const nlohmann::json& config, const char* key, bool fallback) {
    const auto it = config.find(key);
    return it != config.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

Status requireComponent(const PipelineFolder& folder, const char* name) {
    return folder.hasComponent(name)
               ? Status::ok()
               : Status::notFound("model folder " + folder.root() + " lacks " + name +
                                  "/, which a Stable Diffusion inpainting model needs");
}

// posterior.sample() of diffusers with the noise given: scaling_factor · (mean + std · noise).
at::Tensor sampleLatents(const AutoencoderKl& vae, const at::Tensor& image, const at::Tensor& noise) {
    const AutoencoderKl::Posterior p = vae.encode(image);
    TORCH_CHECK(noise.sizes() == p.mean.sizes(), "VAE encode noise must be ", p.mean.sizes(), ", got ",
                noise.sizes());
    return vae.scalingFactor() * (p.mean + p.std * noise.to(p.mean.options()));
}

} // namespace

Status StableDiffusionInpaintPipeline::load(const PipelineFolder& folder, c10::Device device,
                                            c10::ScalarType dtype,
                                            std::unique_ptr<InpaintPipeline>& out) {
    for (const char* name : {"unet", "vae", "text_encoder", "tokenizer", "scheduler"}) {
        if (Status s = requireComponent(folder, name); !s)
            return s;
    }
    std::unique_ptr<StableDiffusionInpaintPipeline> p(
        new StableDiffusionInpaintPipeline(device, dtype));
    if (Status s = folder.loadTokenizer("tokenizer", p->m_tokenizer); !s)
        return s;
    nlohmann::json unetConfig, vaeConfig, textConfig;
    if (Status s = folder.readJson("unet", "config.json", unetConfig); !s)
        return s;
    if (Status s = folder.readJson("vae", "config.json", vaeConfig); !s)
        return s;
    if (Status s = folder.readJson("text_encoder", "config.json", textConfig); !s)
        return s;
    if (Status s = folder.readJson("scheduler", "scheduler_config.json", p->m_schedulerConfig); !s)
        return s;
    p->m_schedulerSource = folder.sourceOf("scheduler", "scheduler_config.json");
    {
        // The scheduler is checked now, so that a bad config fails at load and not at the first run.
        std::unique_ptr<Scheduler> probe;
        if (Status s =
                SchedulerChoice::create(p->m_schedulerConfig, p->m_schedulerSource, {}, 0.0, probe);
            !s)
            return s;
    }
    // SD VAEs overflow in float16; diffusers upcasts them when the config says so. In bfloat16
    // the decoder's pixels lose too much (autoencoderDtype).
    p->m_vaeUpcastsHalf = configBool(vaeConfig, "force_upcast", true);
    p->m_vaeDtype = dtype == c10::kHalf && p->m_vaeUpcastsHalf ? c10::kFloat : autoencoderDtype(dtype);
    // Convolution weights are packed for oneDNN once the file's tensors are gone (Conv2d).
    ConvolutionPacking packing;
    StateDict weights;
    if (Status s = folder.loadWeights("text_encoder", device, dtype, weights); !s)
        return s;
    if (Status s = ClipTextModel::load(textConfig, weights, ClipTextModel::Head::Pooled, device, dtype,
                                       p->m_textEncoder);
        !s)
        return Status(s.code(), "text_encoder: " + s.message());
    if (Status s = folder.loadWeights("vae", device, p->m_vaeDtype, weights); !s)
        return s;
    if (Status s = AutoencoderKl::load(vaeConfig, weights, device, p->m_vaeDtype, p->m_vae); !s)
        return Status(s.code(), "vae: " + s.message());
    if (Status s = folder.loadWeights("unet", device, dtype, weights); !s)
        return s;
    if (Status s = UNet2DConditionModel::load(unetConfig, weights, device, dtype, p->m_unet); !s)
        return Status(s.code(), "unet: " + s.message());
    weights.clear();
    packing.pack();

    p->m_latentChannels = configInteger(vaeConfig, "latent_channels", 4);
    const std::int64_t in = p->m_unet.inChannels();
    if (in != p->m_latentChannels && in != 2 * p->m_latentChannels + 1)
        return Status::modelFormat("unet/config.json: in_channels = " + std::to_string(in) +
                                   " fits neither an "
                                   "inpainting UNet (" +
                                   std::to_string(2 * p->m_latentChannels + 1) +
                                   ") nor an ordinary one (" + std::to_string(p->m_latentChannels) +
                                   ")");
    if (p->m_unet.outChannels() != p->m_latentChannels)
        return Status::modelFormat(
            "unet/config.json: out_channels = " + std::to_string(p->m_unet.outChannels()) +
            " but the VAE has " + std::to_string(p->m_latentChannels) + " latent channels");
    p->m_nativeSize =
        static_cast<int>(configInteger(unetConfig, "sample_size", 64) * p->m_vae.downFactor());
    out = std::move(p);
    return Status::ok();
}

at::Tensor StableDiffusionInpaintPipeline::encodePrompt(const std::string& text,
                                                        at::Tensor& ids) const {
    const ClipTokenizer::Encoding e =
        m_tokenizer.encodePadded(text, static_cast<int>(m_textEncoder.maxTokens()));
    ids = at::tensor(e.ids, at::TensorOptions().dtype(at::kLong)).unsqueeze(0);
    return m_textEncoder.forward(ids.to(device()), at::Tensor(), false).lastHiddenState;
}

Status StableDiffusionInpaintPipeline::runImpl(const InpaintTensors& in, const InpaintParameters& p,
                                               const InpaintCallbacks& callbacks, InpaintOutput& out,
                                               InpaintTrace* trace) {
    const c10::Device dev = device();
    // Latents and the scheduler's arithmetic stay in float32 whatever the models compute in: a
    // step adds a small update to the latents, which bfloat16's 8-bit mantissa would round away.
    const at::TensorOptions opts = at::TensorOptions().device(dev).dtype(at::kFloat);
    const std::int64_t n = p.candidates;
    const bool guided = p.guidanceScale > 1.0;
    const bool nineChannels = hasInpaintingUnet();
    const std::int64_t c = m_latentChannels;
    CandidateNoise noise(p.seed, p.candidates);
    out.seeds = noise.seeds();
    PipelineStopwatch clock(dev);

    // Text: [uncond × n ; cond × n] as diffusers batches classifier-free guidance.
    at::Tensor ids, negativeIds;
    const at::Tensor cond = encodePrompt(p.prompt, ids);
    at::Tensor embeds = cond.repeat({n, 1, 1});
    if (guided) {
        const at::Tensor uncond = encodePrompt(p.negativePrompt, negativeIds);
        embeds = at::cat({uncond.repeat({n, 1, 1}), embeds});
    }
    if (trace) {
        trace->promptEmbeds = embeds;
        trace->promptIds = ids;
        trace->negativePromptIds = negativeIds;
    }
    out.timings.text = clock.lap(embeds);
    if (cancelled(callbacks))
        return Status::cancelled();

    DenoisingLoop loop;
    if (Status s = loop.prepare(m_schedulerConfig, m_schedulerSource, p); !s)
        return s;
    const bool fullStrength = p.strength >= 1.0;

    // Image and mask (1 = repaint; a soft mask's grey levels are per-pixel strength, otherwise
    // it is binarised), the masked image in pixel space, both encoded.
    const std::int64_t f = m_vae.downFactor();
    const std::int64_t h = in.image.size(2) / f, w = in.image.size(3) / f;
    const at::Tensor image = in.image.to(dev, at::kFloat) * 2 - 1;
    const at::Tensor pixelMask = in.mask.to(dev, at::kFloat);
    const at::Tensor mask = p.softMask ? pixelMask : (pixelMask >= 0.5).to(at::kFloat);
    const at::Tensor maskedImage = image * (p.softMask ? mask <= 0 : mask < 0.5);
    const at::Tensor strength = at::upsample_nearest2d(mask, {h, w}).to(opts);
    const bool soft = DenoisingLoop::hasSoftLevels(strength);
    at::Tensor maskedLatents;
    if (nineChannels) {
        const at::Tensor vaeNoise =
            in.vaeEncodeNoise.defined() ? in.vaeEncodeNoise : noise.drawShared({1, c, h, w});
        maskedLatents = sampleLatents(m_vae, maskedImage.to(m_vaeDtype), vaeNoise).to(opts);
    }
    at::Tensor imageLatents;
    if (!nineChannels || !fullStrength || soft)
        imageLatents =
            sampleLatents(m_vae, image.to(m_vaeDtype), noise.drawShared({1, c, h, w})).to(opts);
    LatentPreview preview;
    if (callbacks.previewEvery > 0) {
        if (imageLatents.defined())
            preview.fit(imageLatents, in.image);
        else
            preview.fit(maskedLatents, maskedImage * 0.5 + 0.5);
    }
    out.timings.autoencoder = clock.lap(nineChannels ? maskedLatents : imageLatents);

    at::Tensor initialNoise;
    if (in.initialNoise.defined()) {
        if (in.initialNoise.sizes() != at::IntArrayRef({n, c, h, w}))
            return Status::badInput("initial noise must be [candidates, latent channels, h, w]");
        initialNoise = in.initialNoise.to(opts);
    } else {
        initialNoise = noise.draw({c, h, w}).to(opts);
    }
    // A 9-channel UNet keeps a binary mask's known region through its mask input; a 4-channel
    // one only sees latents, so the known region is re-imposed after every step.
    loop.setRegion(strength, imageLatents,
                   nineChannels ? DenoisingLoop::Reimpose::WhenSoft : DenoisingLoop::Reimpose::Always);
    at::Tensor unetMask, unetMasked;
    if (nineChannels) {
        unetMask = loop.changeMask().repeat({guided ? 2 * n : n, 1, 1, 1});
        unetMasked = maskedLatents.repeat({guided ? 2 * n : n, 1, 1, 1});
        if (trace) {
            trace->maskLatent = unetMask;
            trace->maskedImageLatents = unetMasked;
        }
    }
    const std::int64_t batch = guided ? 2 * n : n;
    const DenoisingLoop::Predict predict = [&](const at::Tensor& scaled, const at::Tensor& t,
                                               const at::Tensor& hole) {
        at::Tensor x = scaled;
        if (nineChannels && loop.isSoft()) {
            // The masked image's encoding where the picture is free now, the picture's elsewhere
            // (encoding the masked picture again at every step would cost a VAE pass each).
            const at::Tensor masked = hole * maskedLatents + (1 - hole) * imageLatents;
            x = at::cat({scaled, hole.repeat({batch, 1, 1, 1}), masked.repeat({batch, 1, 1, 1})}, 1);
        } else if (nineChannels) {
            x = at::cat({scaled, unetMask, unetMasked}, 1);
        }
        at::Tensor prediction = m_unet.forward(x.to(dtype()), t, embeds, at::Tensor()).to(at::kFloat);
        if (guided) {
            const auto halves = prediction.chunk(2);
            prediction = halves[0] + p.guidanceScale * (halves[1] - halves[0]);
        }
        return prediction;
    };
    at::Tensor latents;
    if (Status s = loop.run(p, callbacks, noise, initialNoise, predict,
                            preview.isFitted() ? &preview : nullptr, trace, latents);
        !s)
        return s;
    out.timings.denoise = clock.lap(latents);

    const at::Tensor decoded = m_vae.decode((latents / m_vae.scalingFactor()).to(m_vaeDtype));
    out.decoded = decoded;
    out.images = (decoded.to(at::kFloat) / 2 + 0.5).clamp(0, 1).to(at::kCPU);
    out.timings.autoencoder += clock.lap(decoded);
    return Status::ok();
}

std::uint64_t StableDiffusionInpaintPipeline::estimateRunBytes(int height, int width, int candidates,
                                                               bool guided,
                                                               c10::ScalarType runDtype) const {
    const auto element = static_cast<std::int64_t>(c10::elementSize(runDtype));
    const std::int64_t factor = m_vae.downFactor();
    const std::int64_t batch = static_cast<std::int64_t>(candidates) * (guided ? 2 : 1);
    // Encoding the picture and decoding the candidates run at full resolution (in tiles of one
    // image when the region is larger than the VAE's tile), in float32 where the VAE is upcast
    // from float16.
    const std::int64_t vaeElement = runDtype == c10::kHalf && m_vaeUpcastsHalf ? 4 : element;
    return m_unet.activationBytes(batch, height / factor, width / factor, element) +
           m_vae.decodeBytes(std::max(candidates, 1), height, width, vaeElement);
}

} // namespace limner::engine::ml
